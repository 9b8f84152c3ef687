using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Providers;

/// <summary>The HttpClient every provider adapter calls its provider with (ADR 0002): one pipeline, one name per adapter.</summary>
public static class ProviderHttpClients
{
    /// <summary>
    /// A named HttpClient with the provider pipeline: <see cref="ProviderFailureHandler"/> outermost (failures as the
    /// Domain's exceptions), then the Polly retry around each attempt's timeout (<see cref="ProviderResiliencePolicies"/>,
    /// at most <c>LLM_MAX_ATTEMPTS</c> calls), then <see cref="ProviderResponseGuard"/> (answers read within the attempt
    /// and <c>LLM_MAX_RESPONSE_KB</c>, an error in a stream's first event as its status). No timeout of its own.
    /// </summary>
    public static IHttpClientBuilder AddProviderHttpClient(this IServiceCollection services, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.TryAddSingleton<ProviderResiliencePolicies>();
        services.TryAddTransient<ProviderFailureHandler>();
        services.TryAddTransient<ProviderResponseGuard>();
        return services.AddHttpClient(name, (sp, client) =>
            {
                // Each attempt has its own timeout (Polly); the client's own would cut across retries.
                client.Timeout = Timeout.InfiniteTimeSpan;

                // ProviderResponseGuard reads answers within this bound already; this is the second lock on the door.
                client.MaxResponseContentBufferSize = sp.GetRequiredService<IOptions<LlmOptions>>().Value.MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The client lives as long as the process, so connections are recycled here to follow DNS changes.
                // No AutomaticDecompression: completions are small and streamed; asking for gzip only adds a
                // decompression stream to every call.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // IHttpClientFactory's two logging handlers open a logging scope on every call and their lines are
            // filtered out anyway; the service logs failures and retries itself and counts every call in its metrics.
            .RemoveAllLoggers()
            .AddHttpMessageHandler<ProviderFailureHandler>()
            .AddPolicyHandler((sp, _) => sp.GetRequiredService<ProviderResiliencePolicies>().RetryAroundTimeout)
            .AddHttpMessageHandler<ProviderResponseGuard>();
    }
}
