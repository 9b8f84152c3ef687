using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Configuration;
using Chatbot.Infrastructure.Providers;
using Chatbot.Infrastructure.Providers.Echo;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Configuration binding, the provider adapters and the provider's HttpClient.</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ChatbotMetrics>();
        ProviderRegistration.GetCatalog(services);
        services.AddSingleton<IConfigureOptions<LlmOptions>, LlmOptionsSetup>();
        services.AddOptions<LlmOptions>().ValidateOnStart();

        services.AddChatProvider<EchoChatProvider>(EchoChatProvider.Name);
        services.AddChatProvider<OpenAiCompatibleProvider>(OpenAiCompatibleProvider.Name);
        services.AddOpenAiCompatibleHttpClient();
        return services;
    }

    private static void AddOpenAiCompatibleHttpClient(this IServiceCollection services)
    {
        services.AddSingleton<ProviderResiliencePolicies>();
        services.AddTransient<UpstreamFailureHandler>();
        services.AddTransient<UpstreamMetricsHandler>();
        services.AddHttpClient(OpenAiCompatibleProvider.HttpClientName, client =>
            {
                // Each attempt has its own timeout (Polly); the client's own would cut across retries.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The client lives as long as the process, so connections are recycled here to follow DNS changes.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<UpstreamFailureHandler>()
            .AddPolicyHandler((sp, _) => sp.GetRequiredService<ProviderResiliencePolicies>().Retry)
            .AddHttpMessageHandler<UpstreamMetricsHandler>()
            .AddPolicyHandler((sp, _) => sp.GetRequiredService<ProviderResiliencePolicies>().PerAttemptTimeout);
    }
}
