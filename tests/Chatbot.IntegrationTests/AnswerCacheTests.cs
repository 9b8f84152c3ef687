namespace Chatbot.IntegrationTests;

/// <summary>CACHE_TTL_SECONDS without Redis: the answer cache in process, for /question and /question/stream.</summary>
public sealed class AnswerCacheTests : FakeUpstreamFixture
{

    protected override (string Key, string Value)[] Settings => [("CACHE_TTL_SECONDS", "300")];

    private static string Unique(string text) => $"{text} {Guid.NewGuid():N}";

    private static async Task<string> TextOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!;

    private static string? CacheHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;

    private async Task<(HttpResponseMessage Response, string Joined)> StreamAsync(string text)
    {
        var response = await Client.PostAsJsonAsync("/question/stream", new { text });
        var joined = new System.Text.StringBuilder();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
            {
                if (item.EventType == "message" && item.Data != "[DONE]")
                {
                    joined.Append(JsonDocument.Parse(item.Data).RootElement.GetProperty("text").GetString());
                }
            }
        }

        return (response, joined.ToString());
    }

    [Test]
    public async Task An_identical_question_within_the_ttl_is_answered_without_calling_the_provider()
    {
        var question = Unique("What is the capital of France?");

        var first = await Client.AskAsync(question);
        var second = await Client.AskAsync(question);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        CacheHeader(first).Should().Be("MISS");
        CacheHeader(second).Should().Be("HIT");
        (await TextOf(second)).Should().Be(await TextOf(first)).And.Be("Fake answer to: " + question);
        Fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task Another_question_is_a_miss_and_gets_its_own_answer()
    {
        var one = Unique("one");
        var other = Unique("other");
        await Client.AskAsync(one);

        var response = await Client.AskAsync(other);

        CacheHeader(response).Should().Be("MISS");
        (await TextOf(response)).Should().Be("Fake answer to: " + other);
        Fake.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task Twenty_identical_questions_at_once_make_one_upstream_call()
    {
        // The provider is slow enough that all twenty arrive while the first is still being answered.
        Fake.Default = new FakeResponse { Delay = TimeSpan.FromMilliseconds(500) };
        var question = Unique("stampede");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Client.AskAsync(question)));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in responses)
        {
            (await TextOf(response)).Should().Be("Fake answer to: " + question);
        }

        Fake.ChatCompletionCalls.Should().Be(1);
        responses.Count(r => CacheHeader(r) == "MISS").Should().Be(1, "one request asked the provider, the others shared its answer");
        responses.Count(r => CacheHeader(r) == "HIT").Should().Be(19);
    }

    [Test]
    public async Task A_failed_answer_is_not_cached()
    {
        var question = Unique("fails first");
        Fake.Enqueue(FakeResponse.WithStatus(400));

        var failed = await Client.AskAsync(question);
        var retried = await Client.AskAsync(question);

        await failed.ShouldBeProblemAsync(HttpStatusCode.BadGateway);
        retried.StatusCode.Should().Be(HttpStatusCode.OK);
        CacheHeader(retried).Should().Be("MISS");
        Fake.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task An_invalid_question_is_422_and_never_reaches_the_cache_or_the_provider()
    {
        var response = await Client.AskAsync("   ");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        CacheHeader(response).Should().BeNull();
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task A_cached_answer_is_streamed_from_the_cache_without_calling_the_provider()
    {
        var question = Unique("stream me");
        var asked = await Client.AskAsync(question);

        var (response, joined) = await StreamAsync(question);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        CacheHeader(response).Should().Be("HIT");
        joined.Should().Be(await TextOf(asked));
        Fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task A_complete_streamed_answer_is_cached_for_the_next_question()
    {
        var question = Unique("streamed first");
        Fake.Default = FakeResponse.Stream("The ", "answer ", "is ", "four.");

        var (streamed, joined) = await StreamAsync(question);
        var asked = await Client.AskAsync(question);

        CacheHeader(streamed).Should().Be("MISS");
        joined.Should().Be("The answer is four.");
        CacheHeader(asked).Should().Be("HIT");
        (await TextOf(asked)).Should().Be("The answer is four.");
        Fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task A_stream_that_breaks_off_is_not_cached()
    {
        var question = Unique("broken stream");
        var good = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Half an "},"finish_reason":null}]}""";
        Fake.Enqueue(FakeResponse.Raw($"data: {good}\n\ndata: this is not json\n\n", "text/event-stream"));

        var (streamed, joined) = await StreamAsync(question);
        var asked = await Client.AskAsync(question);

        streamed.StatusCode.Should().Be(HttpStatusCode.OK);
        joined.Should().Be("Half an ");
        CacheHeader(asked).Should().Be("MISS", "half an answer must never be served from the cache");
        (await TextOf(asked)).Should().Be("Fake answer to: " + question);
        Fake.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task Without_CACHE_TTL_SECONDS_every_question_reaches_the_provider_and_carries_no_X_Cache()
    {
        await using var factory = ApiFactory.For(Fake);
        using var client = factory.CreateClient();

        var first = await client.AskAsync("same question");
        var second = await client.AskAsync("same question");

        second.StatusCode.Should().Be(HttpStatusCode.OK);
        CacheHeader(first).Should().BeNull();
        CacheHeader(second).Should().BeNull();
        Fake.ChatCompletionCalls.Should().Be(2);
    }
}
