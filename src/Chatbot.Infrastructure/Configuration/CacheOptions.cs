namespace Chatbot.Infrastructure.Configuration;

/// <summary>The answer cache (<c>CACHE_TTL_SECONDS</c>, <c>CACHE_MEMORY_MB</c>); off unless a time to live is set.</summary>
public sealed record CacheOptions
{
    /// <summary>Zero when the answer cache is off.</summary>
    public TimeSpan TimeToLive { get; init; }

    public bool Enabled => TimeToLive > TimeSpan.Zero;

    /// <summary>
    /// How much of this instance's memory cached answers may take: past it, new answers are not kept in memory (Redis,
    /// when there is one, still has them) and the oldest make room.
    /// </summary>
    public long MemoryLimitBytes { get; init; } = Variables.CacheMemoryMegabytes.DefaultValue!.Value * 1024L * 1024L;

    public static CacheOptions Read(SettingsReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new CacheOptions
        {
            TimeToLive = TimeSpan.FromSeconds(reader.WholeNumber(Variables.CacheTtlSeconds) ?? 0),
            MemoryLimitBytes = (reader.WholeNumber(Variables.CacheMemoryMegabytes) ?? Variables.CacheMemoryMegabytes.DefaultValue!.Value) * 1024L * 1024L,
        };
    }
}
