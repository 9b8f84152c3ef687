using System.Diagnostics;
using System.Net.ServerSentEvents;

namespace Chatbot.IntegrationTests;

/// <summary>
/// A provider that stalls mid-body, sends more than the limit, cuts its stream or hides its error inside the
/// stream: no request hangs past its timeouts, memory stays bounded, and nothing broken becomes an answer.
/// Real Kestrel in front, the fake provider on loopback behind.
/// </summary>
public sealed class HostileProviderTests : FakeUpstreamFixture
{
    private const int LimitKb = 64;
    private const string InvalidResponse = "Invalid response from LLM provider";

    protected override (string Key, string Value)[] Settings =>
    [
        ("REQUEST_TIMEOUT", "1"),
        ("LLM_MAX_RESPONSE_KB", LimitKb.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("CACHE_TTL_SECONDS", "300"),
    ];

    protected override bool OnKestrel => true;

    // A completion whose content alone is over the limit.
    private static string CompletionOf(int kilobytes) =>
        JsonSerializer.Serialize(new
        {
            id = "chatcmpl-big",
            @object = "chat.completion",
            model = "m",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = new string('x', kilobytes * 1024) }, finish_reason = "stop" } },
        });

    // The answer cache is on (a broken answer must never land in it): every test asks its own question.
    private static string UniqueQuestion() => "question " + Guid.NewGuid().ToString("N");

    private async Task<(HttpResponseMessage Response, List<SseItem<string>> Events)> StreamAsync(string path, object body)
    {
        var response = await Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<SseItem<string>>();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
            {
                events.Add(item);
            }
        }

        return (response, events);
    }

    private static string Chunk(string? content, string? finish = null) =>
        "data: " + JsonSerializer.Serialize(new
        {
            id = "c1",
            @object = "chat.completion.chunk",
            created = 1,
            model = "m",
            choices = new[] { new { index = 0, delta = new { content }, finish_reason = finish } },
        }) + "\n\n";

    [TestCase(false)]
    [TestCase(true)]
    public async Task An_answer_over_the_limit_is_502_and_is_not_retried(bool chunked)
    {
        Fake.Default = FakeResponse.Raw(CompletionOf(LimitKb * 4)) with { Chunked = chunked };

        var response = await Client.AskAsync(UniqueQuestion());

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, InvalidResponse);
        Fake.ChatCompletionCalls.Should().Be(1, "an answer too large is not a transient failure");
    }

    [Test]
    public async Task An_answer_just_under_the_limit_is_an_answer()
    {
        Fake.Default = FakeResponse.Raw(CompletionOf(LimitKb - 4));

        var response = await Client.AskAsync(UniqueQuestion());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().HaveLength((LimitKb - 4) * 1024);
    }

    [Test]
    public async Task Many_answers_over_the_limit_at_once_are_all_502()
    {
        // Resident memory under such a load is measured on the service as its own process (DeploymentTests).
        Fake.Default = FakeResponse.Raw(CompletionOf(LimitKb * 16)) with { Chunked = true };

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Client.AskAsync(UniqueQuestion())));

        responses.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.BadGateway);
        Fake.ChatCompletionCalls.Should().Be(12);
    }

    [Test]
    public async Task A_body_that_stalls_after_the_headers_is_cut_at_REQUEST_TIMEOUT_and_retried()
    {
        // Headers and half a completion, then nothing: each attempt ends at REQUEST_TIMEOUT (1 s), three in all.
        Fake.Default = FakeResponse.StallMidBody("""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":""");
        var clock = Stopwatch.StartNew();

        var response = await Client.AskAsync(UniqueQuestion());

        clock.Stop();
        await response.ShouldBeProblemAsync(HttpStatusCode.GatewayTimeout);
        Fake.ChatCompletionCalls.Should().Be(3);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the stall is bounded by the attempts' timeouts, not by the client");
    }

    [Test]
    public async Task A_stalled_body_then_a_good_answer_is_an_answer()
    {
        Fake.Enqueue(FakeResponse.StallMidBody("""{"id":"""), FakeResponse.Completion("second time lucky"));

        var response = await Client.AskAsync(UniqueQuestion());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("second time lucky");
    }

    [TestCase("/question/stream")]
    [TestCase("/v1/chat/completions")]
    public async Task A_stream_that_ends_without_DONE_or_a_finish_reason_ends_with_an_error_and_is_not_cached(string path)
    {
        object body = path == "/question/stream"
            ? new { text = "cut " + path }
            : new { model = ApiFactory.Model, stream = true, messages = new[] { new { role = "user", content = "cut " + path } } };
        Fake.Default = FakeResponse.Raw(Chunk("The answer ") + Chunk("is "), "text/event-stream");

        var (response, events) = await StreamAsync(path, body);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the first piece had gone out");
        events.Should().NotContain(e => e.Data == "[DONE]");
        events[^1].EventType.Should().Be("error");
        events[^1].Data.Should().Contain(path == "/question/stream" ? "502" : InvalidResponse);

        // Not an answer, so not cached: the same question goes to the provider again.
        Fake.Default = FakeResponse.Stream("whole ", "answer");
        var (again, againEvents) = await StreamAsync(path, body);
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        againEvents[^1].Data.Should().Be("[DONE]");
        Fake.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task A_stream_with_a_finish_reason_but_no_DONE_is_complete()
    {
        Fake.Default = FakeResponse.Raw(Chunk("All ") + Chunk("there.") + Chunk(null, "stop"), "text/event-stream");

        var (response, events) = await StreamAsync("/question/stream", new { text = "finish without done" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events[^1].Data.Should().Be("[DONE]");
    }

    [Test]
    public async Task A_rate_limit_error_inside_the_stream_before_the_first_piece_is_retried_then_429_with_Retry_After()
    {
        Fake.Default = FakeResponse.Raw(
            """data: {"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}""" + "\n\n",
            "text/event-stream");

        var (response, _) = await StreamAsync("/question/stream", new { text = "rate limited inside" });

        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "Rate limit exceeded, please try again later");
        response.Headers.RetryAfter.Should().NotBeNull("the client is told the wait the service computed");
        response.Headers.RetryAfter!.Delta.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        Fake.ChatCompletionCalls.Should().Be(3, "retried within LLM_MAX_ATTEMPTS while nothing had reached the client");
    }

    [Test]
    public async Task A_rate_limit_error_inside_the_stream_then_a_good_stream_is_an_answer()
    {
        Fake.Enqueue(
            FakeResponse.Raw(": keep-alive\n\n" + """data: {"error":{"type":"rate_limit_error","message":"x"}}""" + "\n\n", "text/event-stream"),
            FakeResponse.Stream("fine ", "now"));

        var (response, events) = await StreamAsync("/question/stream", new { text = "second stream" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events[^1].Data.Should().Be("[DONE]");
        Fake.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task An_error_of_no_known_kind_inside_the_stream_is_502_at_once()
    {
        Fake.Default = FakeResponse.Raw("""data: {"error":{"message":"something odd"}}""" + "\n\n", "text/event-stream");

        var (response, _) = await StreamAsync("/question/stream", new { text = "odd error" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, InvalidResponse);
        Fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task A_stream_event_over_the_limit_ends_the_stream_with_an_error()
    {
        Fake.Default = FakeResponse.Raw(Chunk("small ") + Chunk(new string('y', LimitKb * 2 * 1024)) + "data: [DONE]\n\n", "text/event-stream") with
        {
            Chunked = true,
        };

        var (response, events) = await StreamAsync("/question/stream", new { text = "huge event" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events.Should().NotContain(e => e.Data == "[DONE]");
        events[^1].EventType.Should().Be("error");
        events[^1].Data.Should().Contain("502");
    }

    [Test]
    public async Task A_provider_429_without_Retry_After_still_gives_the_client_one()
    {
        Fake.Default = FakeResponse.RateLimited();

        var response = await Client.AskAsync(UniqueQuestion());

        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter.Should().NotBeNull();
    }
}
