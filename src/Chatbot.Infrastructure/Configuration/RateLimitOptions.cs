namespace Chatbot.Infrastructure.Configuration;

/// <summary>The client rate limit (<c>RATE_LIMIT_PER_MINUTE</c>); off unless set.</summary>
public sealed record RateLimitOptions
{
    /// <summary>Zero when clients are not rate limited.</summary>
    public int PerMinute { get; init; }

    public bool Enabled => PerMinute > 0;

    public static RateLimitOptions Read(SettingsReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new RateLimitOptions { PerMinute = reader.WholeNumber(Variables.RateLimitPerMinute) ?? 0 };
    }
}
