using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chatbot.Infrastructure.Redis;

/// <summary>
/// The one connection to Redis that the cache, the rate limiter and the health check share. It connects at start
/// and never gives up: while Redis is away <see cref="IsAvailable"/> is false, the components fall back to this
/// instance alone, and StackExchange.Redis keeps reconnecting in the background, so the components use Redis
/// again as soon as it is back, without a restart.
/// </summary>
public sealed partial class RedisConnection(ConfigurationOptions options, TimeProvider timeProvider, ILogger<RedisConnection> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>At most one warning per component per interval, however many requests fall back.</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    private const string ConnectionComponent = "connection";
    private const string ConnectionConsequence =
        "this instance serves alone (answers cached in its memory, rate limits counted by it) and keeps reconnecting";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastWarnings = new(StringComparer.Ordinal);
    private ConnectionMultiplexer? _multiplexer;

    /// <summary>Connected now; false before the start, while Redis is away, and after the stop.</summary>
    public bool IsAvailable => _multiplexer is { IsConnected: true };

    /// <summary>The multiplexer, from the start on (connected or still trying).</summary>
    public IConnectionMultiplexer Multiplexer =>
        _multiplexer ?? throw new InvalidOperationException("The Redis connection is made when the host starts.");

    /// <summary>
    /// Makes the first attempt. An unreachable Redis does not stop the start: it is logged, and the attempts
    /// go on in the background.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(options.Clone()).ConfigureAwait(false);
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        _multiplexer = multiplexer;
        if (!multiplexer.IsConnected)
        {
            ReportUnavailable(ConnectionComponent, ConnectionConsequence);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Says that <paramref name="component"/> went without Redis and what that means (<paramref name="consequence"/>,
    /// a sentence of its own). Logged as a warning at most once per <see cref="WarningInterval"/> per component,
    /// so an outage under load does not flood the log.
    /// </summary>
    public void ReportUnavailable(string component, string consequence, Exception? exception = null)
    {
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            if (_lastWarnings.TryGetValue(component, out var last) && timeProvider.GetElapsedTime(last, now) < WarningInterval)
            {
                return;
            }

            _lastWarnings[component] = now;
        }

        LogUnavailable(logger, exception?.GetType().Name ?? "not connected", consequence, component, (int)WarningInterval.TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _multiplexer, null) is { } multiplexer)
        {
            multiplexer.ConnectionFailed -= OnConnectionFailed;
            multiplexer.ConnectionRestored -= OnConnectionRestored;
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            ReportUnavailable(ConnectionComponent, ConnectionConsequence, e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            LogRestored(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis is unavailable ({Reason}): {Consequence}. Repeats of this warning for the {Component} are held back for {Interval} s")]
    private static partial void LogUnavailable(ILogger logger, string reason, string consequence, string component, int interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection restored: cache and rate limits are shared again")]
    private static partial void LogRestored(ILogger logger);
}
