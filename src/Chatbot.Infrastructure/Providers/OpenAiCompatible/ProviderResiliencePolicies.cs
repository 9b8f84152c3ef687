using System.Net;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// The Polly policies of the provider's HttpClient: retry of transient failures (429, 5xx, a refused or
/// reset connection, an attempt past <c>REQUEST_TIMEOUT</c>) around a per-attempt timeout.
/// Built once from the options; the handlers ask for them per request.
/// </summary>
public sealed class ProviderResiliencePolicies
{
    public ProviderResiliencePolicies(IOptions<LlmOptions> options, TimeProvider timeProvider, ChatbotMetrics metrics)
    {
        var o = options.Value;
        PerAttemptTimeout = Policy.TimeoutAsync<HttpResponseMessage>(o.RequestTimeout, TimeoutStrategy.Optimistic);
        Retry = Policy<HttpResponseMessage>
            .Handle<HttpRequestException>()
            .Or<TimeoutRejectedException>()
            .OrResult(IsTransient)
            .WaitAndRetryAsync(
                o.MaxAttempts - 1,
                (retry, outcome, _) => RetryDelay.Compute(
                    retry, RetryDelay.ReadRetryAfter(outcome.Result, timeProvider.GetUtcNow()), o.RetryBaseDelay, o.RetryMaxDelay),
                (outcome, _, _, _) =>
                {
                    metrics.Retry(o.Provider, RetryReason(outcome));

                    // The response that is retried is never read: give its connection back now.
                    outcome.Result?.Dispose();
                    return Task.CompletedTask;
                });
    }

    public IAsyncPolicy<HttpResponseMessage> Retry { get; }

    public IAsyncPolicy<HttpResponseMessage> PerAttemptTimeout { get; }

    private static string RetryReason(DelegateResult<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        { Exception: TimeoutRejectedException } => "timeout",
        _ => "connection_error",
    };

    public static bool IsTransient(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
}
