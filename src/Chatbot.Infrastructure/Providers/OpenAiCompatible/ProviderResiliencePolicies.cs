using System.Globalization;
using System.Net;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Extensions.Http;
using Polly.Timeout;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// The Polly policies of the provider's HttpClient (attached with <c>AddPolicyHandler</c>): a retry of transient
/// failures around a timeout of each attempt. Built once from the options; the handlers ask for them per request.
/// </summary>
/// <remarks>
/// Transient is Polly.Extensions.Http's <c>HandleTransientHttpError()</c> (a refused or reset connection, 5xx, 408)
/// plus 429 and an attempt past <c>REQUEST_TIMEOUT</c>. A Polly v7 policy builder cannot subtract a case, so 408 is
/// retried: it is a timeout, the provider's own (ADR 0005).
/// </remarks>
public sealed partial class ProviderResiliencePolicies
{
    public ProviderResiliencePolicies(ChatRoute route, TimeProvider timeProvider, ChatbotMetrics metrics, ILogger<ProviderResiliencePolicies> logger)
    {
        ArgumentNullException.ThrowIfNull(route);
        var o = route.Llm;
        var name = route.Model;
        PerAttemptTimeout = Policy.TimeoutAsync<HttpResponseMessage>(
            o.RequestTimeout,
            TimeoutStrategy.Optimistic,
            (context, _, _, _) =>
            {
                metrics.ProviderCall(name, o.Provider, "timeout", AttemptCounter.Current(context));
                return Task.CompletedTask;
            });
        Retry = HttpPolicyExtensions.HandleTransientHttpError()
            .OrResult(response => response.StatusCode == HttpStatusCode.TooManyRequests)
            .Or<TimeoutRejectedException>()
            .WaitAndRetryAsync(
                o.MaxAttempts - 1,
                (retry, outcome, _) => RetryDelay.Compute(
                    retry, RetryDelay.ReadRetryAfter(outcome.Result, timeProvider.GetUtcNow()), o.RetryBaseDelay, o.RetryMaxDelay),
                (outcome, wait, retry, _) =>
                {
                    var reason = RetryReason(outcome);
                    metrics.Retry(name, o.Provider, reason);
                    LogRetry(logger, name, o.Provider, reason, retry, o.MaxAttempts, wait.TotalSeconds);

                    // The response that is retried is never read: give its connection back now.
                    outcome.Result?.Dispose();
                    return Task.CompletedTask;
                });
    }

    public IAsyncPolicy<HttpResponseMessage> Retry { get; }

    public IAsyncPolicy<HttpResponseMessage> PerAttemptTimeout { get; }

    /// <summary>
    /// The retry around the per-attempt timeout, as one policy for one <c>PolicyHttpMessageHandler</c>: one Polly
    /// context and one handler per request instead of two of each (docs/performance.md, "The card's stack").
    /// </summary>
    public IAsyncPolicy<HttpResponseMessage> RetryAroundTimeout => _retryAroundTimeout ??= Retry.WrapAsync(PerAttemptTimeout);

    private IAsyncPolicy<HttpResponseMessage>? _retryAroundTimeout;

    /// <summary>Attempt numbers, kept in the Polly context that every attempt of one request shares.</summary>
    internal static class AttemptCounter
    {
        private const string Key = "chatbot.attempt";

        public static int Next(Context? context)
        {
            if (context is null)
            {
                return 1;
            }

            var attempt = Current(context) + 1;
            context[Key] = attempt;
            return attempt;
        }

        public static int Current(Context context) => context.TryGetValue(Key, out var value) && value is int n ? n : 0;
    }

    private static string RetryReason(DelegateResult<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
        { Exception: TimeoutRejectedException } => "timeout",
        _ => "connection_error",
    };

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Route {Route} (provider {Provider}) failed ({Reason}) on attempt {Attempt} of {MaxAttempts}; retrying in {WaitSeconds:0.###} s")]
    private static partial void LogRetry(ILogger logger, string route, string provider, string reason, int attempt, int maxAttempts, double waitSeconds);
}
