using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Caching;
using Chatbot.Infrastructure.Configuration;
using Chatbot.Infrastructure.Providers;
using Chatbot.Infrastructure.Providers.Anthropic;
using Chatbot.Infrastructure.Providers.Echo;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using Chatbot.Infrastructure.RateLimiting;
using Chatbot.Infrastructure.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure;

public static class DependencyInjection
{
    /// <summary>The name of the Redis readiness check, as <c>/health/ready</c> reports it.</summary>
    public const string RedisHealthCheckName = "redis";

    /// <summary>The name of the routes' circuit breakers' readiness check.</summary>
    public const string RoutesHealthCheckName = "routes";

    /// <summary>
    /// The provider's options and route table, the provider adapters and their HttpClient, and what <paramref name="settings"/> turns
    /// on, nothing else: the Redis connection and its readiness check, the answer cache (in memory, and in Redis when
    /// there is one), the client rate limiter.
    /// </summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, ServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton<ChatbotMetrics>();
        ProviderRegistration.GetCatalog(services);

        // Read once every adapter is registered (a route must name one); LlmOptions is its default route's.
        services.AddSingleton(sp => RouteTableReader.Read(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ProviderCatalog>()));
        services.AddSingleton<IOptions<RouteTable>>(sp => Options.Create(sp.GetRequiredService<RouteTable>()));
        services.AddSingleton<IConfigureOptions<LlmOptions>, LlmOptionsSetup>();
        services.AddOptions<LlmOptions>().ValidateOnStart();

        services.AddChatProvider(EchoChatProvider.Name, (_, _, _) => new EchoChatProvider());
        services.AddChatProvider(OpenAiCompatibleProvider.Name, (_, client, options) => new OpenAiCompatibleProvider(client, options));
        services.AddChatProvider(AnthropicProvider.Name, (sp, client, options) =>
            new AnthropicProvider(client, options, sp.GetRequiredService<IOptions<RouteTable>>().Value.Secrets));
        services.AddSingleton<RouteCircuitHealthCheck>();
        services.AddHealthChecks().AddCheck<RouteCircuitHealthCheck>(RoutesHealthCheckName, HealthStatus.Degraded);
        return services.AddSharedState(settings);
    }

    private static IServiceCollection AddSharedState(this IServiceCollection services, ServiceSettings settings)
    {
        services.AddSingleton(settings);
        if (settings.SharedRedis is { } redis)
        {
            services.AddSingleton(sp => new RedisConnection(
                redis, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisConnection>>()));
            services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());

            // Degraded, not Unhealthy: every instance shares one Redis, and taking them all out of the load
            // balancer because of it would turn a slower service into none.
            services.AddHealthChecks().AddRedis(
                sp => sp.GetRequiredService<RedisConnection>().Multiplexer,
                name: RedisHealthCheckName,
                failureStatus: HealthStatus.Degraded,
                timeout: TimeSpan.FromSeconds(2));
        }

        if (settings.Cache.Enabled)
        {
            var ttl = settings.Cache.TimeToLive;

            // HybridCache keeps answers in this IMemoryCache: without a limit that counts each entry's real size,
            // new questions grow the process for a whole TTL (measured: 406 MB after a minute, docs/performance.md).
            services.AddSingleton<IMemoryCache>(new AnswerMemoryCache(settings.Cache.MemoryLimitBytes));
            services.AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl });
            if (settings.SharedRedis is not null)
            {
                services.AddSingleton<IDistributedCache>(sp => new RedisFallbackDistributedCache(sp.GetRequiredService<RedisConnection>()));
            }

            // The answer cache behaviours (in the mediator's pipeline whatever the settings) use it when it is there.
            services.AddSingleton<IAnswerCache, HybridAnswerCache>();
        }

        if (settings.RateLimit.Enabled)
        {
            // The windows counted in process run on the service's clock (tests swap it), so Retry-After says what is left.
            services.AddSingleton(sp => ClientRateLimiter.Create(
                settings.RateLimit.PerMinute, sp.GetService<RedisConnection>(), sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }
}
