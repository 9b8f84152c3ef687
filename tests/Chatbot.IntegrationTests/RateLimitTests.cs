using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.IntegrationTests;

/// <summary>RATE_LIMIT_PER_MINUTE without Redis, on real Kestrel (clients without a key count by their IP address).</summary>
public sealed class RateLimitTests
{
    private const string KeyOne = "rate-key-one-0123456789";
    private const string KeyTwo = "rate-key-two-0123456789";

    private FakeProviderServer _fake = null!;

    [OneTimeSetUp]
    public async Task Start() => _fake = await FakeProviderServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _fake.DisposeAsync();

    private Task<(ApiFactory Factory, HttpClient Client)> StartApiAsync(params (string Key, string Value)[] settings) =>
        StartApiAsync(clock: null, settings);

    private async Task<(ApiFactory Factory, HttpClient Client)> StartApiAsync(TimeProvider? clock, params (string Key, string Value)[] settings)
    {
        var factory = new ApiFactory(
            ApiFactory.SettingsFor(_fake, settings),
            clock is null ? null : services => services.AddSingleton(clock));
        factory.UseKestrel(0);
        factory.StartServer();
        return (factory, factory.CreateClient());
    }

    private static Task<HttpResponseMessage> AskWithKeyAsync(HttpClient client, string key, string path = "/question")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { text = "hi" }) };
        request.Headers.Add("X-API-Key", key);
        return client.SendAsync(request);
    }

    [Test]
    public async Task Past_the_limit_a_client_gets_429_with_retry_after_and_a_detail_naming_its_own_limit()
    {
        var (factory, client) = await StartApiAsync(("RATE_LIMIT_PER_MINUTE", "3"));
        await using var _ = factory;
        using var __ = client;

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await client.AskAsync("hi"));
        }

        var refused = await client.AskAsync("hi");

        allowed.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        var detail = problem.GetProperty("detail").GetString();
        detail.Should().Contain("3 requests per minute").And.Contain("client")
            .And.NotBe("Rate limit exceeded, please try again later", "that is the provider's limit, not this client's");
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60);
    }

    [TestCase("/question")]
    [TestCase("/v1/models")]
    public async Task Retry_after_is_what_is_left_of_the_clients_minute_rounded_up_to_whole_seconds(string path)
    {
        var clock = new ShiftedTimeProvider();
        var (factory, client) = await StartApiAsync(clock, ("RATE_LIMIT_PER_MINUTE", "1"));
        await using var _ = factory;
        using var __ = client;
        (await Send(client, path)).StatusCode.Should().Be(HttpStatusCode.OK);

        clock.Advance(TimeSpan.FromSeconds(20.25));
        var refused = await Send(client, path);
        clock.Advance(TimeSpan.FromSeconds(39));
        var lastSecond = await Send(client, path);

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(40), "39.75 s of the window are left");
        lastSecond.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        lastSecond.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1), "under a second is left, and Retry-After is at least 1");
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string path) =>
        path == "/question" ? client.AskAsync("hi") : client.GetAsync(path);

    [Test]
    public async Task Each_key_has_its_own_limit_and_a_wrong_key_counts_against_its_address()
    {
        var (factory, client) = await StartApiAsync(("RATE_LIMIT_PER_MINUTE", "2"), ("API_KEYS", $"{KeyOne},{KeyTwo}"));
        await using var _ = factory;
        using var __ = client;

        var one = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            one.Add((await AskWithKeyAsync(client, KeyOne)).StatusCode);
        }

        var two = (await AskWithKeyAsync(client, KeyTwo)).StatusCode;
        var wrong = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            wrong.Add((await AskWithKeyAsync(client, "guessing-a-key-0123456789")).StatusCode);
        }

        one.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
        two.Should().Be(HttpStatusCode.OK, "another client's limit is its own");
        wrong.Should().Equal(HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests);
    }

    [Test]
    public async Task Health_readiness_metrics_and_the_documents_are_never_limited()
    {
        var (factory, client) = await StartApiAsync(("RATE_LIMIT_PER_MINUTE", "1"));
        await using var _ = factory;
        using var __ = client;
        (await client.AskAsync("hi")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.AskAsync("hi")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);

        foreach (var path in new[] { "/health", "/health/ready", "/metrics", "/openapi.json", "/docs/index.html", "/redoc/index.html", "/health" })
        {
            (await client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.OK, path);
        }
    }

    [Test]
    public async Task The_openai_surface_answers_429_in_openais_shape()
    {
        var (factory, client) = await StartApiAsync(("RATE_LIMIT_PER_MINUTE", "1"));
        await using var _ = factory;
        using var __ = client;
        (await client.GetAsync("/v1/models")).StatusCode.Should().Be(HttpStatusCode.OK);

        var refused = await client.GetAsync("/v1/models");

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.Should().NotBeNull();
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("type").GetString().Should().Be("rate_limit_error");
        error.GetProperty("message").GetString().Should().Contain("1 request per minute");
    }

    [Test]
    public async Task Without_RATE_LIMIT_PER_MINUTE_nothing_is_limited()
    {
        var (factory, client) = await StartApiAsync();
        await using var _ = factory;
        using var __ = client;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add((await client.AskAsync("hi")).StatusCode);
        }

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK);
    }
}
