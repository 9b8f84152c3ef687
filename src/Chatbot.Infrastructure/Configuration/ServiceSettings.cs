using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// Every concern but the provider, read once at start by one <see cref="SettingsReader"/>: they decide what is
/// registered at all (a feature that is off costs nothing, its services and middleware are not there). The
/// provider's <see cref="Application.Options.LlmOptions"/> are bound by <see cref="LlmOptionsSetup"/> once every
/// adapter is registered, since <c>LLM_PROVIDER</c> must name one.
/// </summary>
public sealed record ServiceSettings
{
    public HostingOptions Hosting { get; init; } = new();

    public RedisOptions Redis { get; init; } = new();

    public CacheOptions Cache { get; init; } = new();

    public ClientKeyOptions ClientKeys { get; init; } = new();

    public RateLimitOptions RateLimit { get; init; } = new();

    /// <summary>
    /// Redis when a feature keeps its state there (the cache or the rate limit is on), else null: a REDIS_URL set
    /// for nothing (as a shared deployment config may) costs no connection and no readiness check.
    /// </summary>
    public ConfigurationOptions? SharedRedis => Cache.Enabled || RateLimit.Enabled ? Redis.Configuration : null;

    /// <summary>
    /// Reads every variable of these concerns; bad values throw one <see cref="OptionsValidationException"/> whose
    /// failures name each variable. Neither a key nor the Redis password ever appears in a failure.
    /// </summary>
    public static ServiceSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new SettingsReader(configuration);
        var settings = new ServiceSettings
        {
            Hosting = HostingOptions.Read(reader),
            Redis = RedisOptions.Read(reader),
            Cache = CacheOptions.Read(reader),
            ClientKeys = ClientKeyOptions.Read(reader),
            RateLimit = RateLimitOptions.Read(reader),
        };
        reader.ThrowIfInvalid<ServiceSettings>();
        return settings;
    }
}
