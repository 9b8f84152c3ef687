using System.Globalization;

namespace Chatbot.IntegrationTests;

/// <summary>
/// GET /metrics (Prometheus text, OpenTelemetry) after known traffic. Meters are process-wide, so this
/// fixture runs alone: no other test's traffic can be counted here.
/// </summary>
[NonParallelizable]
public sealed class MetricsTests
{
    [Test]
    public async Task Metrics_count_requests_upstream_calls_retries_failures_and_tokens()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await using var factory = ApiFactory.For(fake);
        using var client = factory.CreateClient();

        fake.Enqueue(FakeResponse.RateLimited(), FakeResponse.Completion("first", promptTokens: 11, completionTokens: 3));
        (await client.AskAsync("one")).StatusCode.Should().Be(HttpStatusCode.OK);
        fake.Enqueue(FakeResponse.Completion("second", promptTokens: 20, completionTokens: 4));
        (await client.AskAsync("two")).StatusCode.Should().Be(HttpStatusCode.OK);
        fake.Enqueue(FakeResponse.WithStatus(401));
        (await client.AskAsync("three")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.AskAsync(string.Empty)).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);

        var response = await client.GetAsync("/metrics");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("service_name=\"chatbot-api\"", "OpenTelemetry's service.name, not unknown_service");
        var metrics = Prometheus.Parse(text);

        metrics.Sum("http_server_request_duration_seconds_count", ("http_route", "question"), ("http_response_status_code", "200")).Should().Be(2);
        metrics.Sum("http_server_request_duration_seconds_count", ("http_route", "question"), ("http_response_status_code", "401")).Should().Be(1);
        metrics.Sum("http_server_request_duration_seconds_count", ("http_route", "question"), ("http_response_status_code", "422")).Should().Be(1);

        metrics.Sum("chatbot_upstream_calls_total", ("provider", "openai")).Should().Be(4, "429 + 200, 200, 401");
        metrics.Sum("chatbot_upstream_calls_total", ("status", "429"), ("attempt", "1")).Should().Be(1);
        metrics.Sum("chatbot_upstream_calls_total", ("status", "200"), ("attempt", "2")).Should().Be(1);
        metrics.Sum("chatbot_upstream_calls_total", ("status", "200"), ("attempt", "1")).Should().Be(1);
        metrics.Sum("chatbot_upstream_calls_total", ("status", "401"), ("attempt", "1")).Should().Be(1);
        metrics.Sum("chatbot_upstream_retries_total", ("reason", "429")).Should().Be(1);
        metrics.Sum("chatbot_provider_failures_total", ("kind", "authentication")).Should().Be(1);
        metrics.Sum("chatbot_provider_failures_total").Should().Be(1);
        metrics.Sum("chatbot_tokens_total", ("direction", "input")).Should().Be(31);
        metrics.Sum("chatbot_tokens_total", ("direction", "output")).Should().Be(7);
        metrics.Sum("http_client_request_duration_seconds_count").Should().Be(4, "HttpClient instrumentation sees every attempt");
    }

    [Test]
    public async Task Tokens_are_counted_from_streamed_usage_and_a_cancelled_stream_counts_what_came_before_the_cut()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await using var factory = ApiFactory.For(fake);
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        static string Chunk(string choices, string usage = "") =>
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"test-model\",\"choices\":[" + choices + "]" + usage + "}\n\n";
        var text = Chunk("""{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}""");
        var finish = Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""");
        const string body = """{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""";

        // A whole stream: its usage chunk counts as completed.
        fake.Enqueue(FakeResponse.Raw(text + finish + Chunk(string.Empty, ",\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}") + "data: [DONE]\n\n", "text/event-stream"));
        (await client.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.OK);

        // A stream the client leaves after the provider reported usage, while the provider still holds it open.
        fake.Enqueue(FakeResponse.StallMidBody(text + Chunk(string.Empty, ",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}"), "text/event-stream"));
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            using var read = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await reader.ReadLineAsync(read.Token) is { } line && !line.Contains("\"usage\"", StringComparison.Ordinal))
            {
            }
        }

        Prometheus metrics = null!;
        for (var i = 0; i < 100; i++)
        {
            metrics = Prometheus.Parse(await client.GetStringAsync("/metrics"));
            if (metrics.Sum("chatbot_tokens_total", ("outcome", "cancelled")) > 0)
            {
                break;
            }

            await Task.Delay(50);
        }

        metrics.Sum("chatbot_tokens_total", ("direction", "input"), ("outcome", "completed")).Should().Be(8);
        metrics.Sum("chatbot_tokens_total", ("direction", "output"), ("outcome", "completed")).Should().Be(2);
        metrics.Sum("chatbot_tokens_total", ("direction", "input"), ("outcome", "cancelled")).Should().Be(5);
        metrics.Sum("chatbot_tokens_total", ("direction", "output"), ("outcome", "cancelled")).Should().Be(1);
    }
}
