using System.Threading.RateLimiting;
using Chatbot.Infrastructure.RateLimiting;
using Chatbot.Infrastructure.Redis;
using Chatbot.UnitTests.TestSupport;
using StackExchange.Redis;

namespace Chatbot.UnitTests.Infrastructure.RateLimiting;

public sealed class ClientRateLimiterTests
{
    private static async Task<List<bool>> Acquire(PartitionedRateLimiter<string> limiter, string client, int times)
    {
        var acquired = new List<bool>();
        for (var i = 0; i < times; i++)
        {
            using var lease = await limiter.AcquireAsync(client);
            acquired.Add(lease.IsAcquired);
        }

        return acquired;
    }

    [Test]
    public async Task In_process_each_client_gets_its_limit_per_minute_then_a_retry_after()
    {
        using var limiter = ClientRateLimiter.Create(3, redis: null);

        var first = await Acquire(limiter, "key:a", 4);
        var other = await Acquire(limiter, "key:b", 1);
        using var refused = await limiter.AcquireAsync("key:a");

        first.Should().Equal(true, true, true, false);
        other.Should().Equal(true);
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).Should().BeTrue();
        retryAfter.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
    }

    [Test]
    public async Task In_process_a_refused_client_is_told_what_is_left_of_its_window_on_the_services_clock()
    {
        var clock = new ManualTimeProvider();
        using var limiter = ClientRateLimiter.Create(2, redis: null, clock);
        await Acquire(limiter, "key:a", 2);

        clock.Advance(TimeSpan.FromSeconds(20.4));
        using var refused = await limiter.AcquireAsync("key:a");
        clock.Advance(TimeSpan.FromSeconds(39.5));
        using var stillRefused = await limiter.AcquireAsync("key:a");

        refused.IsAcquired.Should().BeFalse();
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromSeconds(39.6), "the window opened at the first request, 20.4 s ago");
        stillRefused.TryGetMetadata(MetadataName.RetryAfter, out var lastMoment).Should().BeTrue();
        lastMoment.Should().Be(TimeSpan.FromSeconds(0.1));
    }

    [Test]
    public async Task In_process_a_new_window_opens_when_the_services_clock_says_the_minute_is_over()
    {
        var clock = new ManualTimeProvider();
        using var limiter = ClientRateLimiter.Create(1, redis: null, clock);
        (await Acquire(limiter, "key:a", 2)).Should().Equal(true, false);

        clock.Advance(ClientRateLimiter.Window);
        var next = await Acquire(limiter, "key:a", 2);
        using var refused = await limiter.AcquireAsync("key:a");

        next.Should().Equal(true, false);
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(ClientRateLimiter.Window, "the new window opened just now");
    }

    [Test]
    public async Task While_redis_is_away_the_limit_is_counted_in_process_and_the_outage_is_reported()
    {
        var logger = new RecordingLogger<RedisConnection>();
        var options = ConfigurationOptions.Parse("127.0.0.1:1");
        await using var redis = new RedisConnection(options, TimeProvider.System, logger); // never started: not connected
        using var limiter = ClientRateLimiter.Create(2, redis);

        var acquired = await Acquire(limiter, "ip:10.0.0.1", 3);

        acquired.Should().Equal(true, true, false);
        logger.Entries.Should().ContainSingle(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning)
            .Which.Message.Should().Contain("rate limiter");
    }

    [Test]
    public async Task While_redis_is_away_a_refused_client_is_told_what_is_left_of_its_window()
    {
        var clock = new ManualTimeProvider();
        var options = ConfigurationOptions.Parse("127.0.0.1:1");
        await using var redis = new RedisConnection(options, TimeProvider.System, new RecordingLogger<RedisConnection>());
        using var limiter = ClientRateLimiter.Create(1, redis, clock);
        await Acquire(limiter, "ip:10.0.0.1", 1);

        clock.Advance(TimeSpan.FromSeconds(45));
        using var refused = await limiter.AcquireAsync("ip:10.0.0.1");

        refused.IsAcquired.Should().BeFalse();
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromSeconds(15), "not a whole minute whatever is left");
    }
}
