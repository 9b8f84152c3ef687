namespace Chatbot.Infrastructure.Configuration;

/// <summary>Settings of the HTTP host itself (not of the provider): its optional pieces and shutdown.</summary>
public sealed record HostingOptions
{
    /// <summary>X-Process-Time, X-Memory-Used, X-Memory-Delta on every response.</summary>
    public bool PerformanceHeaders { get; init; } = Variables.PerformanceHeaders.DefaultValue;

    /// <summary>One log line per request.</summary>
    public bool RequestLogging { get; init; } = Variables.RequestLogging.DefaultValue;

    /// <summary>OpenTelemetry meters and <c>GET /metrics</c>.</summary>
    public bool Metrics { get; init; } = Variables.Metrics.DefaultValue;

    /// <summary>How long requests in flight may finish after SIGTERM.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(Variables.ShutdownTimeout.DefaultValue);

    /// <summary>The most a <c>/v1/chat/completions</c> body may weigh.</summary>
    public long ChatMaxBodyBytes { get; init; } = Variables.ChatMaxBodyKilobytes.DefaultValue!.Value * 1024L;

    public static HostingOptions Read(SettingsReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new HostingOptions
        {
            PerformanceHeaders = reader.Flag(Variables.PerformanceHeaders),
            RequestLogging = reader.Flag(Variables.RequestLogging),
            Metrics = reader.Flag(Variables.Metrics),
            ShutdownTimeout = TimeSpan.FromSeconds(reader.Number(Variables.ShutdownTimeout)),
            ChatMaxBodyBytes = 1024L * (reader.WholeNumber(Variables.ChatMaxBodyKilobytes) ?? Variables.ChatMaxBodyKilobytes.DefaultValue!.Value),
        };
    }
}
