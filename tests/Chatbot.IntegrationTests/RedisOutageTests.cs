using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Chatbot.IntegrationTests;

/// <summary>
/// A real redis-server that goes away under a running service (killed, then started again on the same port), or is
/// not there when the service starts. The service as its own process, so that its log can be read.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed partial class RedisOutageTests
{
    private const string Key = "outage-key-0123456789";

    private FakeProviderServer _fake = null!;

    [SetUp]
    public async Task StartFake() => _fake = await FakeProviderServer.StartAsync();

    [TearDown]
    public async Task StopFake() => await _fake.DisposeAsync();

    private ApiProcess StartApi(string redisUrl) => ApiProcess.Start(new Dictionary<string, string>
    {
        ["LLM_BASE_URL"] = new Uri(_fake.BaseUrl, "v1").ToString(),
        ["LLM_API_KEY"] = ApiFactory.ApiKey,
        ["LLM_MODEL"] = ApiFactory.Model,
        ["LLM_RETRY_BASE_DELAY"] = "0.001",
        ["LLM_RETRY_MAX_DELAY"] = "0.01",
        ["REDIS_URL"] = redisUrl,
        ["CACHE_TTL_SECONDS"] = "300",
        ["RATE_LIMIT_PER_MINUTE"] = "1000",
        ["API_KEYS"] = Key,
    });

    private static async Task<HttpResponseMessage> AskAsync(HttpClient client, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/question") { Content = JsonContent.Create(new { text }) };
        request.Headers.Add("X-API-Key", Key);
        return await client.SendAsync(request);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadinessAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>Polls /health/ready until it says <paramref name="status"/>; false after 30 s (reconnects back off up to 5 s).</summary>
    private static async Task<bool> WaitForReadinessAsync(HttpClient client, string status)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if ((await ReadinessAsync(client)).Body.GetProperty("status").GetString() == status)
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static int Count(string log, Regex pattern) => pattern.Matches(log).Count;

    [Test]
    public async Task When_redis_stops_the_service_keeps_answering_says_degraded_warns_once_and_uses_redis_again_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var api = StartApi(redis.Url);
        using var client = await api.WaitUntilListeningAsync();

        (await AskAsync(client, "before the outage")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await redis.WaitForKeysAsync("chatbot:answer:*", 1, TimeSpan.FromSeconds(5))).Should().BeTrue("the answer went to Redis");
        (await redis.KeysAsync("rl:*")).Should().NotBeEmpty("the rate limit is counted in Redis");
        (await ReadinessAsync(client)).Body.GetProperty("status").GetString().Should().Be("Healthy");

        await redis.StopAsync();
        var during = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            during.Add(await AskAsync(client, $"during the outage {i % 5}"));
        }

        var (readyStatus, ready) = await ReadinessAsync(client);
        var health = await client.GetAsync("/health");

        during.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK, "the cache is skipped and rate limits are counted in process");
        readyStatus.Should().Be(HttpStatusCode.OK);
        ready.GetProperty("status").GetString().Should().Be("Degraded");
        var check = ready.GetProperty("checks").GetProperty("redis");
        check.GetProperty("status").GetString().Should().Be("Degraded");
        check.GetProperty("description").GetString().Should().Contain("Redis");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        var log = api.StandardOutput;
        Count(log, CacheWarning()).Should().Be(1, "twenty requests without Redis make one warning of the cache, not twenty:\n{0}", log);
        Count(log, RateLimiterWarning()).Should().Be(1, "and one of the rate limiter:\n{0}", log);

        await redis.StartAgainAsync();
        (await WaitForReadinessAsync(client, "Healthy")).Should().BeTrue("the connection comes back by itself");
        (await AskAsync(client, "after the outage")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await redis.WaitForKeysAsync("chatbot:answer:*", 1, TimeSpan.FromSeconds(5))).Should().BeTrue("the cache writes to Redis again");
        (await redis.KeysAsync("rl:*")).Should().NotBeEmpty("the rate limiter counts in Redis again");
        api.StandardOutput.Should().Contain("Redis connection restored");
        (api.StandardOutput + api.StandardError).Should().NotContain(Key);
    }

    [Test]
    public async Task When_redis_is_unreachable_at_start_the_service_starts_answers_and_uses_redis_once_it_is_there()
    {
        var port = RedisServer.FreePort();
        await using var api = StartApi($"redis://127.0.0.1:{port}");
        using var client = await api.WaitUntilListeningAsync();

        var first = await AskAsync(client, "nobody home");
        var (readyStatus, ready) = await ReadinessAsync(client);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        readyStatus.Should().Be(HttpStatusCode.OK);
        ready.GetProperty("status").GetString().Should().Be("Degraded");

        await using var redis = await RedisServer.StartAsync(port);
        (await WaitForReadinessAsync(client, "Healthy")).Should().BeTrue("the service keeps trying to connect");
        (await AskAsync(client, "somebody home")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await redis.WaitForKeysAsync("chatbot:answer:*", 1, TimeSpan.FromSeconds(5))).Should().BeTrue();
        (await redis.KeysAsync("rl:*")).Should().NotBeEmpty();
    }

    [GeneratedRegex("WRN\\] Redis is unavailable .*answer cache")]
    private static partial Regex CacheWarning();

    [GeneratedRegex("WRN\\] Redis is unavailable .*rate limiter")]
    private static partial Regex RateLimiterWarning();
}
