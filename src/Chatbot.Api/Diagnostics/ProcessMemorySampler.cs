namespace Chatbot.Api.Diagnostics;

/// <summary>
/// Reads the process's resident memory off the request path. Reading it costs a system call (measured in
/// docs/performance.md); requests read the last sample, a field load.
/// </summary>
public sealed class ProcessMemorySampler : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly ITimer _timer;
    private long _workingSetBytes = Environment.WorkingSet;

    public ProcessMemorySampler(TimeProvider timeProvider)
    {
        _timer = timeProvider.CreateTimer(static state => ((ProcessMemorySampler)state!).Sample(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Resident memory at the last sample, in bytes.</summary>
    public long WorkingSetBytes => Volatile.Read(ref _workingSetBytes);

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

    public void Sample() => Volatile.Write(ref _workingSetBytes, Environment.WorkingSet);

    public void Dispose() => _timer.Dispose();
}
