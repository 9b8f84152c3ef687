using System.Globalization;

namespace Chatbot.Api.Diagnostics;

/// <summary>
/// Reads the process's resident memory off the request path. Reading it costs a system call (measured in
/// docs/performance.md); requests read the last sample, a field load, and its figure already formatted.
/// </summary>
public sealed class ProcessMemorySampler : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly ITimer _timer;
    private MemorySample _current = MemorySample.Of(Environment.WorkingSet);

    public ProcessMemorySampler(TimeProvider timeProvider)
    {
        _timer = timeProvider.CreateTimer(static state => ((ProcessMemorySampler)state!).Sample(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The last sample.</summary>
    public MemorySample Current => Volatile.Read(ref _current);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer.Change(Interval, Interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Sample()
    {
        var bytes = Environment.WorkingSet;
        if (bytes != Current.Bytes)
        {
            Volatile.Write(ref _current, MemorySample.Of(bytes));
        }
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>Resident memory at one sample: bytes, and megabytes as the <c>X-Memory-Used</c> header shows them.</summary>
public sealed record MemorySample(long Bytes, string Megabytes)
{
    public const double BytesPerMegabyte = 1024 * 1024;

    /// <summary>"0.00": between two requests the sample has usually not changed.</summary>
    public const string NoChange = "0.00";

    public static MemorySample Of(long bytes) =>
        new(bytes, (bytes / BytesPerMegabyte).ToString("0.00", CultureInfo.InvariantCulture));

    /// <summary>The change from <paramref name="before"/> to this sample, in megabytes, as <c>X-Memory-Delta</c> shows it.</summary>
    public string MegabytesSince(MemorySample before) =>
        Bytes == before.Bytes
            ? NoChange
            : ((Bytes - before.Bytes) / BytesPerMegabyte).ToString("0.00", CultureInfo.InvariantCulture);
}
