namespace Chatbot.IntegrationTests;

/// <summary>POST /question/stream on real Kestrel: server-sent events, failures before and after the first piece, cancellation.</summary>
public sealed class StreamingTests : FakeUpstreamFixture
{

    protected override (string Key, string Value)[] Settings => [("REQUEST_TIMEOUT", "2")];

    protected override bool OnKestrel => true;

    private static HttpRequestMessage StreamRequest(string text) => new(HttpMethod.Post, "/question/stream")
    {
        Content = JsonContent.Create(new { text }),
    };

    private async Task<(HttpResponseMessage Response, List<(string Event, string Data)> Events)> StreamAsync(string text)
    {
        var response = await Client.SendAsync(StreamRequest(text), HttpCompletionOption.ResponseHeadersRead);
        var events = new List<(string, string)>();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            events = await ReadEventsAsync(await response.Content.ReadAsStreamAsync());
        }

        return (response, events);
    }

    private static async Task<List<(string Event, string Data)>> ReadEventsAsync(Stream stream, int? stopAfter = null)
    {
        var events = new List<(string, string)>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync())
        {
            events.Add((item.EventType, item.Data));
            if (events.Count == stopAfter)
            {
                break;
            }
        }

        return events;
    }

    private static string Join(IEnumerable<(string Event, string Data)> events) =>
        string.Concat(events.Where(e => e.Event == "message" && e.Data != "[DONE]")
            .Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString()));

    [Test]
    public async Task The_pieces_joined_equal_the_answer_of_question_and_end_with_done()
    {
        Fake.Default = FakeResponse.Stream("The ", "answer ", "is ", "four.");

        var (response, events) = await StreamAsync("What is 2+2?");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        events.Should().HaveCount(5);
        events[^1].Data.Should().Be("[DONE]");
        Join(events).Should().Be("The answer is four.");

        Fake.Default = FakeResponse.Completion("The answer is four.");
        var plain = await Client.AskAsync("What is 2+2?");
        (await plain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be(Join(events));
    }

    [Test]
    public async Task The_upstream_is_asked_to_stream_at_the_configured_url_with_the_key()
    {
        var (response, events) = await StreamAsync("hello there");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Join(events).Should().Be("Fake answer to: hello there");
        var received = Fake.Received.Should().ContainSingle().Subject;
        received.Path.Should().Be("/v1/chat/completions");
        received.Header("authorization").Should().Be("Bearer " + ApiFactory.ApiKey);
        received.BodyJson.GetProperty("stream").GetBoolean().Should().BeTrue();
        received.BodyJson.GetProperty("model").GetString().Should().Be(ApiFactory.Model);
    }

    [Test]
    public async Task Retries_apply_until_the_first_piece()
    {
        Fake.Enqueue(FakeResponse.RateLimited(), FakeResponse.WithStatus(500), FakeResponse.Stream("late ", "but ", "here"));

        var (response, events) = await StreamAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Join(events).Should().Be("late but here");
        Fake.ChatCompletionCalls.Should().Be(3);
    }

    [TestCase(401, HttpStatusCode.Unauthorized)]
    [TestCase(429, HttpStatusCode.TooManyRequests)]
    [TestCase(500, HttpStatusCode.BadGateway)]
    [TestCase(404, HttpStatusCode.BadGateway)]
    public async Task A_failure_before_the_first_piece_is_the_same_problem_as_question(int upstream, HttpStatusCode expected)
    {
        Fake.Default = FakeResponse.WithStatus(upstream);

        var (response, _) = await StreamAsync("hi");
        var plain = await Client.AskAsync("hi");

        var streamed = await response.ShouldBeProblemAsync(expected);
        var asked = await plain.ShouldBeProblemAsync(expected);
        streamed.GetProperty("detail").GetString().Should().Be(asked.GetProperty("detail").GetString());
    }

    [Test]
    public async Task Invalid_text_is_422_before_anything_is_streamed()
    {
        var (response, _) = await StreamAsync("   ");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").GetProperty("text").GetArrayLength().Should().Be(1);
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task A_failure_after_the_first_piece_is_an_error_event_and_the_stream_closes()
    {
        var good = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Half an "},"finish_reason":null}]}""";
        Fake.Default = FakeResponse.Raw($"data: {good}\n\ndata: this is not json\n\ndata: [DONE]\n\n", "text/event-stream");

        var (response, events) = await StreamAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events.Should().HaveCount(2);
        Join(events).Should().Be("Half an ");
        events[1].Event.Should().Be("error");
        var problem = JsonDocument.Parse(events[1].Data).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be(502);
        problem.GetProperty("detail").GetString().Should().Be("Invalid response from LLM provider");
        Problems.ShouldNotLeak(events[1].Data);
        events.Should().NotContain(e => e.Data == "[DONE]");
    }

    [Test]
    public async Task A_stream_that_stalls_past_the_timeout_ends_with_a_504_error_event()
    {
        Fake.Default = new FakeResponse { StreamChunks = ["first ", "never"], ChunkDelay = TimeSpan.FromSeconds(30) };

        var (response, events) = await StreamAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Join(events).Should().Be("first ");
        events[^1].Event.Should().Be("error");
        JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("status").GetInt32().Should().Be(504);
    }

    [Test]
    public async Task A_provider_that_ignores_stream_still_gives_the_answer_in_one_piece()
    {
        Fake.Default = FakeResponse.Raw("""{"choices":[{"index":0,"message":{"role":"assistant","content":"all at once"}}]}""", "application/json");

        var (response, events) = await StreamAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Join(events).Should().Be("all at once");
    }

    [Test]
    public async Task When_theClient_goes_away_the_upstream_request_is_cancelled()
    {
        Fake.Default = new FakeResponse
        {
            StreamChunks = [.. Enumerable.Range(0, 50).Select(i => $"piece{i} ")],
            ChunkDelay = TimeSpan.FromMilliseconds(200),
        };
        var response = await Client.SendAsync(StreamRequest("tell me a long story"), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();

        var first = await ReadEventsAsync(stream, stopAfter: 1);
        first.Should().ContainSingle();
        response.Dispose();

        (await Fake.WaitForCancellationAsync(TimeSpan.FromSeconds(10))).Should().BeTrue("closing the client's connection cancels the upstream call");
        Fake.CancelledRequests.Should().Be(1);
    }

    [Test]
    public async Task The_echo_provider_streams_word_by_word()
    {
        await using var echo = new ApiFactory(new Dictionary<string, string> { ["LLM_PROVIDER"] = "echo" });
        using var client = echo.CreateClient();

        var response = await client.SendAsync(StreamRequest("one two three"));
        var events = await ReadEventsAsync(await response.Content.ReadAsStreamAsync());

        events.Select(e => e.Data).Should().HaveCount(5).And.EndWith("[DONE]");
        Join(events).Should().Be("Echo: one two three");
    }
}
