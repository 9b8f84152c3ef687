using System.Globalization;
using Microsoft.Extensions.Options;

namespace Chatbot.Api;

/// <summary>Settings of the HTTP host itself (not of the provider): optional pieces and shutdown.</summary>
public sealed record ApiOptions
{
    public const string PerformanceHeadersVariable = "PERFORMANCE_HEADERS";
    public const string RequestLoggingVariable = "REQUEST_LOGGING";
    public const string MetricsVariable = "METRICS_ENABLED";
    public const string ShutdownTimeoutVariable = "SHUTDOWN_TIMEOUT";

    /// <summary>X-Process-Time, X-Memory-Used, X-Memory-Delta on every response.</summary>
    public bool PerformanceHeaders { get; init; } = true;

    /// <summary>One log line per request.</summary>
    public bool RequestLogging { get; init; } = true;

    /// <summary>OpenTelemetry meters and <c>GET /metrics</c>.</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>How long requests in flight may finish after SIGTERM.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads the variables; a bad value throws <see cref="OptionsValidationException"/> naming it.</summary>
    public static ApiOptions Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var options = new ApiOptions
        {
            PerformanceHeaders = Flag(configuration, PerformanceHeadersVariable, true, errors),
            RequestLogging = Flag(configuration, RequestLoggingVariable, true, errors),
            Metrics = Flag(configuration, MetricsVariable, true, errors),
            ShutdownTimeout = Seconds(configuration, ShutdownTimeoutVariable, 30, errors),
        };
        return errors.Count == 0 ? options : throw new OptionsValidationException(Options.DefaultName, typeof(ApiOptions), errors);
    }

    private static bool Flag(IConfiguration configuration, string name, bool fallback, List<string> errors)
    {
        var raw = configuration[name];
        switch (raw?.Trim().ToLowerInvariant())
        {
            case null or "":
                return fallback;
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                errors.Add($"{name} must be true or false, got '{raw}'.");
                return fallback;
        }
    }

    private static TimeSpan Seconds(IConfiguration configuration, string name, double fallback, List<string> errors)
    {
        var raw = configuration[name];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return TimeSpan.FromSeconds(fallback);
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and <= 3600)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        errors.Add($"{name} must be a number of seconds from 0 to 3600, got '{raw}'.");
        return TimeSpan.FromSeconds(fallback);
    }
}
