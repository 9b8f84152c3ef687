namespace Chatbot.IntegrationTests.Infrastructure;

/// <summary>
/// The system clock moved forward when a test says so, for the service's <see cref="TimeProvider"/>: what it measures
/// (timestamps, the time of day) jumps, while its timers and delays keep running on real time, so retries and
/// timeouts behave as usual.
/// </summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override long TimestampFrequency => System.TimestampFrequency;

    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Offset.Ticks * (TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    private TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
