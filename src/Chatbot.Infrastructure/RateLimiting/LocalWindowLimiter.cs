using System.Threading.RateLimiting;

namespace Chatbot.Infrastructure.RateLimiting;

/// <summary>
/// One client's window counted in this process. The framework's fixed window counts the permits; the service's clock
/// (<see cref="TimeProvider"/>) says when the window opened and when it is over, so a refused client is told what is
/// left of it rather than a whole window. <see cref="FixedWindowRateLimiter"/> alone cannot: it keeps its own clock.
/// </summary>
internal sealed class LocalWindowLimiter : ReplenishingRateLimiter
{
    private readonly TimeProvider _clock;
    private readonly FixedWindowRateLimiter _permits;
    private readonly Lock _gate = new();
    private long _windowStart;

    public LocalWindowLimiter(int permitsPerMinute, TimeProvider clock)
    {
        _clock = clock;
        _windowStart = clock.GetTimestamp();

        // A window of one tick, never replenished by itself: TryReplenish refills it at once, and only Roll calls it,
        // when this window is over on the service's clock.
        _permits = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitsPerMinute,
            Window = TimeSpan.FromTicks(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        });
    }

    // Its heartbeat lets the partitioned limiter drop idle clients.
    public override TimeSpan? IdleDuration => _permits.IdleDuration;

    public override bool IsAutoReplenishing => false;

    public override TimeSpan ReplenishmentPeriod => ClientRateLimiter.Window;

    // Called by the partitioned limiter's timer; each request rolls the window too, so it never waits for a tick.
    public override bool TryReplenish() => Roll();

    public override RateLimiterStatistics? GetStatistics() => _permits.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Roll();
        return Answer(_permits.AttemptAcquire(permitCount));
    }

    // No queue: the framework's limiter answers at once, as AttemptAcquire does.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _permits.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore() => _permits.DisposeAsync();

    private bool Roll()
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (_clock.GetElapsedTime(_windowStart, now) < ClientRateLimiter.Window)
            {
                return false;
            }

            _windowStart = now;
            return _permits.TryReplenish();
        }
    }

    private RateLimitLease Answer(RateLimitLease lease)
    {
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        TimeSpan left;
        lock (_gate)
        {
            left = ClientRateLimiter.Window - _clock.GetElapsedTime(_windowStart);
        }

        return new RejectedLease(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }
}
