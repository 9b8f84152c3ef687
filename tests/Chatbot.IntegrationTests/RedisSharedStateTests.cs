namespace Chatbot.IntegrationTests;

/// <summary>
/// Two instances of the API sharing one real redis-server (REDIS_URL): the answer cache and the rate limits hold
/// across instances, whichever one a request reaches.
/// </summary>
public sealed class RedisSharedStateTests
{
    private const string KeyOne = "shared-key-one-0123456789";
    private const string KeyTwo = "shared-key-two-0123456789";

    private RedisServer _redis = null!;
    private FakeProviderServer _fake = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _redis = await RedisServer.StartAsync();
        _fake = await FakeProviderServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _fake.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [SetUp]
    public async Task Reset()
    {
        _fake.Reset();
        (await _redis.CommandAsync("FLUSHALL")).Should().Equal("+OK");
    }

    private ApiFactory Instance(params (string Key, string Value)[] settings) =>
        ApiFactory.For(_fake, [("REDIS_URL", _redis.Url), .. settings]);

    private static string? CacheHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;

    [Test]
    public async Task An_answer_of_instance_A_is_a_hit_on_instance_B()
    {
        await using var a = Instance(("CACHE_TTL_SECONDS", "300"));
        await using var b = Instance(("CACHE_TTL_SECONDS", "300"));
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        var fromA = await clientA.AskAsync("What is the capital of France?");
        (await _redis.WaitForKeysAsync("chatbot:answer:*", 1, TimeSpan.FromSeconds(5))).Should().BeTrue("A stores its answer in Redis");
        var fromB = await clientB.AskAsync("What is the capital of France?");

        CacheHeader(fromA).Should().Be("MISS");
        CacheHeader(fromB).Should().Be("HIT");
        (await fromB.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()
            .Should().Be("Fake answer to: What is the capital of France?");
        _fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task Instances_that_would_ask_differently_do_not_share_answers()
    {
        await using var a = Instance(("CACHE_TTL_SECONDS", "300"), ("LLM_TEMPERATURE", "0.2"));
        await using var b = Instance(("CACHE_TTL_SECONDS", "300"), ("LLM_TEMPERATURE", "0.9"));
        await using var c = Instance(("CACHE_TTL_SECONDS", "300"), ("LLM_TEMPERATURE", "0.2"), ("LLM_SYSTEM_PROMPT", "Be brief."));
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        using var clientC = c.CreateClient();

        await clientA.AskAsync("same words");
        (await _redis.WaitForKeysAsync("chatbot:answer:*", 1, TimeSpan.FromSeconds(5))).Should().BeTrue();
        var fromB = await clientB.AskAsync("same words");
        var fromC = await clientC.AskAsync("same words");

        CacheHeader(fromB).Should().Be("MISS", "another temperature");
        CacheHeader(fromC).Should().Be("MISS", "another system prompt");
        _fake.ChatCompletionCalls.Should().Be(3);
    }

    [Test]
    public async Task The_answer_lives_in_redis_for_CACHE_TTL_SECONDS_under_a_key_that_does_not_show_the_question()
    {
        await using var a = Instance(("CACHE_TTL_SECONDS", "120"));
        using var client = a.CreateClient();

        (await client.AskAsync("a private question")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _redis.WaitForKeysAsync("chatbot:answer:*", 1, TimeSpan.FromSeconds(5))).Should().BeTrue();

        var key = (await _redis.KeysAsync("chatbot:answer:*")).Should().ContainSingle().Subject;
        key.Should().NotContain("private");
        (await _redis.TimeToLiveAsync(key)).Should().BeInRange(1, 120);
    }

    [Test]
    public async Task Twenty_identical_questions_at_once_on_one_instance_make_one_upstream_call()
    {
        _fake.Default = new FakeResponse { Delay = TimeSpan.FromMilliseconds(500) };
        await using var a = Instance(("CACHE_TTL_SECONDS", "300"));
        using var client = a.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.AskAsync("all at once")));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        _fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task A_streamed_answer_of_instance_A_is_streamed_from_the_cache_on_instance_B()
    {
        _fake.Default = FakeResponse.Stream("Paris ", "it ", "is.");
        await using var a = Instance(("CACHE_TTL_SECONDS", "300"));
        await using var b = Instance(("CACHE_TTL_SECONDS", "300"));
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        var streamedOnA = await clientA.PostAsJsonAsync("/question/stream", new { text = "capital?" });
        await streamedOnA.Content.ReadAsStringAsync();
        var streamedOnB = await clientB.PostAsJsonAsync("/question/stream", new { text = "capital?" });
        var body = await streamedOnB.Content.ReadAsStringAsync();

        CacheHeader(streamedOnB).Should().Be("HIT");
        body.Should().Contain("Paris it is.").And.EndWith("data: [DONE]\n\n");
        _fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task Two_instances_with_a_limit_of_10_let_exactly_10_requests_of_one_client_through()
    {
        await using var a = Instance(("RATE_LIMIT_PER_MINUTE", "10"), ("API_KEYS", $"{KeyOne},{KeyTwo}"));
        await using var b = Instance(("RATE_LIMIT_PER_MINUTE", "10"), ("API_KEYS", $"{KeyOne},{KeyTwo}"));
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        async Task<HttpStatusCode> Ask(HttpClient client, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/question") { Content = JsonContent.Create(new { text = "hi" }) };
            request.Headers.Add("X-API-Key", key);
            return (await client.SendAsync(request)).StatusCode;
        }

        // Alternating instances, then all on one: either way the window is the one in Redis.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add(await Ask(i % 2 == 0 || i > 14 ? clientA : clientB, KeyOne));
        }

        var other = await Ask(clientB, KeyTwo);

        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(10);
        statuses.Take(10).Should().OnlyContain(s => s == HttpStatusCode.OK);
        statuses.Skip(10).Should().OnlyContain(s => s == HttpStatusCode.TooManyRequests);
        other.Should().Be(HttpStatusCode.OK, "another client is not affected");
        (await _redis.KeysAsync("rl:*")).Should().NotContain(k => k.Contains(KeyOne, StringComparison.Ordinal), "keys are never stored");
    }
}
