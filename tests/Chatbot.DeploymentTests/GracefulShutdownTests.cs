using System.Net.Http.Json;
using Chatbot.FakeProvider;

namespace Chatbot.DeploymentTests;

/// <summary>
/// SIGTERM, as <c>docker stop</c>, ECS and Kubernetes send it: the service stops taking connections and lets the
/// requests in flight finish (for up to SHUTDOWN_TIMEOUT seconds), then exits 0. The service runs as its own process
/// against the fake OpenAI-compatible provider, which holds the answer back until the signal has been sent.
/// </summary>
public sealed class GracefulShutdownTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_request_in_flight_at_SIGTERM_still_gets_its_answer_new_connections_are_refused_and_the_process_exits_0()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        // Long enough for the listener to close while the answer is still being waited for.
        fake.Enqueue(FakeResponse.Completion("answered after SIGTERM") with { Delay = TimeSpan.FromSeconds(5) });
        await using var api = await ApiProcess.StartAsync(OpenAiAt(fake, shutdownTimeoutSeconds: 30));
        using var client = api.CreateClient();

        var inFlight = client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "are you still there?" });
        (await fake.WaitForChatCompletionCallsAsync(1, Bound)).Should().BeTrue("the question reached the provider");
        await api.TerminateAsync();

        // New connections are refused while the request in flight is still waiting for the provider.
        var refusedWhileInFlight = false;
        for (var attempt = 0; attempt < 200 && !inFlight.IsCompleted; attempt++)
        {
            if (await FreePort.IsRefusedAsync(api.BaseAddress.Port))
            {
                refusedWhileInFlight = !inFlight.IsCompleted;
                break;
            }

            await Task.Delay(20);
        }

        using var response = await inFlight.WaitAsync(Bound);
        response.StatusCode.Should().Be(HttpStatusCode.OK, api.Output);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("answered after SIGTERM");
        refusedWhileInFlight.Should().BeTrue("the listener closes at SIGTERM, before the request in flight has its answer");
        (await api.WaitForExitAsync(Bound)).Should().Be(0, api.Output);
        fake.CancelledRequests.Should().Be(0, "the upstream call was not cut short");
    }

    [Test]
    public async Task SHUTDOWN_TIMEOUT_bounds_how_long_a_request_in_flight_may_hold_the_stop()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        // The provider never answers: only the shutdown limit ends the wait.
        fake.Enqueue(FakeResponse.Hang());
        await using var api = await ApiProcess.StartAsync(OpenAiAt(fake, shutdownTimeoutSeconds: 1));
        using var client = api.CreateClient();

        var inFlight = client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "hang on" });
        (await fake.WaitForChatCompletionCallsAsync(1, Bound)).Should().BeTrue();
        await api.TerminateAsync();

        var exitCode = await api.WaitForExitAsync(Bound);
        exitCode.Should().Be(0, api.Output);
        var outcome = await Outcome(inFlight);
        outcome.Should().NotBe(HttpStatusCode.OK, "the provider never answered; the service stopped waiting at SHUTDOWN_TIMEOUT");
    }

    [TestCase("/question/stream", """{"text":"Tell me a long story"}""")]
    [TestCase("/v1/chat/completions", """{"stream":true,"messages":[{"role":"user","content":"Tell me a long story"}]}""")]
    public async Task A_stream_still_open_when_SHUTDOWN_TIMEOUT_runs_out_ends_with_a_503_error_event_and_is_logged_as_cut(
        string path, string body)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        // A piece every half second for far longer than the shutdown timeout: only the stop can end this stream.
        fake.Enqueue(FakeResponse.Stream([.. Enumerable.Range(1, 200).Select(i => $"piece{i} ")]) with
        {
            ChunkDelay = TimeSpan.FromMilliseconds(500),
        });
        await using var api = await ApiProcess.StartAsync(OpenAiAt(fake, shutdownTimeoutSeconds: 2));
        using var client = api.CreateClient();
        using var cts = new CancellationTokenSource(Bound);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var sse = new Sse(await response.Content.ReadAsStreamAsync(cts.Token));
        await sse.ReadUntilAsync(e => e.Contains("piece1 ", StringComparison.Ordinal), cts.Token);

        await api.TerminateAsync();
        var ended = await ReadToTheEndAsync(sse, cts.Token);

        (await api.WaitForExitAsync(Bound)).Should().Be(0, api.Output);
        ended.Should().BeTrue($"the stream ends with an event, not a cut connection. Received:\n{sse.Received}\n{api.Output}");
        sse.Received.Should().NotContain("[DONE]");
        sse.Events.Should().NotBeEmpty();
        var last = sse.Events[^1];
        last.Should().StartWith("event: error\ndata: ", sse.Received);
        var error = JsonDocument.Parse(last["event: error\ndata: ".Length..]).RootElement;
        if (path.StartsWith("/v1", StringComparison.Ordinal))
        {
            // OpenAI's error body has no status: a 503 on /v1 is an api_error with the 503's message.
            error.GetProperty("error").GetProperty("type").GetString().Should().Be("api_error");
            error.GetProperty("error").GetProperty("message").GetString().Should().Contain("shutting down");
        }
        else
        {
            error.GetProperty("status").GetInt32().Should().Be(503);
            error.GetProperty("detail").GetString().Should().Contain("shutting down");
        }

        api.CountLines("cut by shutdown").Should().Be(1, api.Output);
        api.Output.Split('\n').Should().NotContain(
            line => line.Contains("The answer stream failed", StringComparison.Ordinal)
                || line.Contains("The chat completion stream failed", StringComparison.Ordinal)
                || line.Contains("[ERR]", StringComparison.Ordinal),
            "a stream cut by shutdown is logged as that, once");
    }

    [Test]
    public async Task A_stream_still_waiting_for_its_first_piece_when_SHUTDOWN_TIMEOUT_runs_out_answers_503()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        fake.Enqueue(FakeResponse.Hang());
        await using var api = await ApiProcess.StartAsync(OpenAiAt(fake, shutdownTimeoutSeconds: 2));
        using var client = api.CreateClient();

        var inFlight = client.PostAsJsonAsync(new Uri("/question/stream", UriKind.Relative), new { text = "hang on" });
        (await fake.WaitForChatCompletionCallsAsync(1, Bound)).Should().BeTrue();
        await api.TerminateAsync();

        using var response = await inFlight.WaitAsync(Bound);
        (await api.WaitForExitAsync(Bound)).Should().Be(0, api.Output);
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, api.Output);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString().Should().Contain("shutting down");
        api.CountLines("cut by shutdown").Should().Be(1, api.Output);
        (await fake.WaitForCancellationAsync(Bound)).Should().BeTrue("the upstream call is cancelled");
    }

    // True when the stream ended as a response ends; false when its connection was cut under it.
    private static async Task<bool> ReadToTheEndAsync(Sse sse, CancellationToken ct)
    {
        try
        {
            await sse.ReadToEndAsync(ct);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> OpenAiAt(FakeProviderServer fake, int shutdownTimeoutSeconds) => new()
    {
        ["LLM_BASE_URL"] = new Uri(fake.BaseUrl, "v1").ToString(),
        ["LLM_API_KEY"] = "test-key",
        ["LLM_MODEL"] = "gpt-test",
        ["LLM_MAX_ATTEMPTS"] = "1",
        ["REQUEST_TIMEOUT"] = "120",
        ["SHUTDOWN_TIMEOUT"] = shutdownTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // The status the client got, or null when the connection ended without an answer.
    private static async Task<HttpStatusCode?> Outcome(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request.WaitAsync(Bound);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
