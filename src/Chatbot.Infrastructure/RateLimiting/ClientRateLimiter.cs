using System.Threading.RateLimiting;
using Chatbot.Infrastructure.Redis;
using RedisRateLimiting;

namespace Chatbot.Infrastructure.RateLimiting;

/// <summary>
/// <c>RATE_LIMIT_PER_MINUTE</c> requests per client (an API key or an IP address, named by the caller) in a fixed
/// window of one minute, which opens at the client's first request. With Redis the window is counted there, so the
/// limit holds whichever instance a request reaches; without it, or while it is away, each instance counts alone.
/// </summary>
public static class ClientRateLimiter
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <param name="permitsPerMinute">The limit of each client.</param>
    /// <param name="redis">Where the windows are shared; null: counted in this process.</param>
    /// <param name="timeProvider">The clock of the windows counted in this process; null: the system's.</param>
    public static PartitionedRateLimiter<string> Create(int permitsPerMinute, RedisConnection? redis, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitsPerMinute, 1);
        var clock = timeProvider ?? TimeProvider.System;
        return redis is null
            ? PartitionedRateLimiter.Create<string, string>(client =>
                RateLimitPartition.Get(client, _ => new LocalWindowLimiter(permitsPerMinute, clock)))
            : PartitionedRateLimiter.Create<string, string>(client =>
                RateLimitPartition.Get(client, key => new SharedWindowLimiter(key, permitsPerMinute, redis, clock)));
    }
}

/// <summary>
/// One client's window in Redis (RedisRateLimiting's fixed window, a Lua script per request), with an in-process
/// window standing in whenever Redis is away or fails.
/// </summary>
internal sealed class SharedWindowLimiter(string client, int permitsPerMinute, RedisConnection redis, TimeProvider clock)
    : ReplenishingRateLimiter
{
    private const string Component = "rate limiter";
    private const string Consequence = "the rate limiter counts each client's requests in this instance alone";

    // While Redis is away: the same window as without Redis, so Retry-After is still what is left of it.
    private readonly LocalWindowLimiter _local = new(permitsPerMinute, clock);
    private RedisFixedWindowRateLimiter<string>? _shared;

    // The local window is the one that goes idle; its heartbeat lets the partitioned limiter drop idle clients.
    public override TimeSpan? IdleDuration => _local.IdleDuration;

    public override bool IsAutoReplenishing => false;

    public override TimeSpan ReplenishmentPeriod => _local.ReplenishmentPeriod;

    public override bool TryReplenish() => _local.TryReplenish();

    public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

    // The Redis window can only be asked asynchronously; "not acquired" here sends the caller to AcquireAsync.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        redis.IsAvailable ? NotAttempted.Instance : Local().AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (redis.IsAvailable)
        {
            try
            {
                _shared ??= new RedisFixedWindowRateLimiter<string>(client, new RedisFixedWindowRateLimiterOptions
                {
                    PermitLimit = permitsPerMinute,
                    Window = ClientRateLimiter.Window,
                    ConnectionMultiplexerFactory = () => redis.Multiplexer,
                });
                var lease = await _shared.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
                return lease.IsAcquired ? lease : Rejected(lease);
            }
            catch (Exception ex) when (RedisFailures.IsTransient(ex))
            {
                redis.ReportUnavailable(Component, Consequence, ex);
            }
        }

        return await Local().AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _local.Dispose();
            _shared?.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await _local.DisposeAsync().ConfigureAwait(false);
        if (_shared is not null)
        {
            await _shared.DisposeAsync().ConfigureAwait(false);
        }
    }

    private LocalWindowLimiter Local()
    {
        if (!redis.IsAvailable)
        {
            redis.ReportUnavailable(Component, Consequence);
        }

        return _local;
    }

    // RedisRateLimiting names its retry-after metadata its own way (whole seconds); clients get the standard one.
    private static RateLimitLease Rejected(RateLimitLease lease)
    {
        using (lease)
        {
            var seconds = lease.TryGetMetadata(RateLimitMetadataName.RetryAfter.Name, out var value) && value is int s ? s : 0;
            return new RejectedLease(TimeSpan.FromSeconds(Math.Clamp(seconds, 1, (int)ClientRateLimiter.Window.TotalSeconds)));
        }
    }

    private sealed class NotAttempted : RateLimitLease
    {
        public static readonly NotAttempted Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>A refusal that says when to come back, under the standard metadata name.</summary>
internal sealed class RejectedLease(TimeSpan retryAfter) : RateLimitLease
{
    public override bool IsAcquired => false;

    public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
        return metadata is not null;
    }
}
