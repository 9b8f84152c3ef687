using Chatbot.Infrastructure.Caching;
using Chatbot.Infrastructure.Redis;
using Chatbot.UnitTests.TestSupport;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chatbot.UnitTests.Infrastructure.Redis;

public sealed class RedisConnectionTests
{
    private readonly RecordingLogger<RedisConnection> _logger = new();
    private readonly ManualTimeProvider _clock = new();

    private RedisConnection Unconnected() => new(ConfigurationOptions.Parse("127.0.0.1:1"), _clock, _logger);

    private IEnumerable<string> Warnings => _logger.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    [Test]
    public async Task An_outage_is_warned_about_once_per_interval_per_component()
    {
        await using var redis = Unconnected();

        for (var i = 0; i < 100; i++)
        {
            redis.ReportUnavailable("answer cache", "answers are not shared");
            redis.ReportUnavailable("rate limiter", "limits are per instance");
        }

        _clock.Advance(RedisConnection.WarningInterval - TimeSpan.FromSeconds(1));
        redis.ReportUnavailable("answer cache", "answers are not shared");
        var withinTheInterval = Warnings.Count();
        _clock.Advance(TimeSpan.FromSeconds(1));
        redis.ReportUnavailable("answer cache", "answers are not shared");

        withinTheInterval.Should().Be(2, "one for each component");
        Warnings.Should().HaveCount(3).And.Contain(w => w.Contains("answers are not shared")).And.Contain(w => w.Contains("limits are per instance"));
    }

    [Test]
    public async Task The_redis_layer_of_the_cache_is_a_miss_and_drops_writes_while_redis_is_away()
    {
        await using var redis = Unconnected();
        var cache = new RedisFallbackDistributedCache(redis);

        var read = await cache.GetAsync("chatbot:answer:v1:abc");
        var write = async () => await cache.SetAsync("chatbot:answer:v1:abc", [1, 2, 3], new DistributedCacheEntryOptions());

        read.Should().BeNull();
        await write.Should().NotThrowAsync();
        cache.Get("chatbot:answer:v1:abc").Should().BeNull();
        Warnings.Should().ContainSingle().Which.Should().Contain("answer cache");
    }
}
