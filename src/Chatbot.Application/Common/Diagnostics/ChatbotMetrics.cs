using System.Diagnostics.Metrics;
using Chatbot.Domain.Providers;

namespace Chatbot.Application.Common.Diagnostics;

/// <summary>
/// The service's own instruments (meter <see cref="MeterName"/>). HTTP requests by route and status and their
/// durations come from ASP.NET Core's and HttpClient's built-in meters; these count what only we know.
/// </summary>
public sealed class ChatbotMetrics
{
    public const string MeterName = "Chatbot";

    private readonly Counter<long> _providerCalls;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _providerFailures;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _cacheLookups;

    public ChatbotMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _providerCalls = meter.CreateCounter<long>(
            "chatbot.upstream.calls", "{call}", "Calls made to the LLM provider, one per attempt, by route, provider, status and attempt.");
        _retries = meter.CreateCounter<long>(
            "chatbot.upstream.retries", "{retry}", "Attempts repeated after a transient failure, by route, provider and reason.");
        _providerFailures = meter.CreateCounter<long>(
            "chatbot.provider.failures", "{failure}", "Requests that failed at a route's provider after the retries, by route, provider and kind.");
        _tokens = meter.CreateCounter<long>(
            "chatbot.tokens", "{token}", "Tokens the provider reported, by route, provider, model, direction (input or output) and outcome (completed, or cancelled by the client).");
        _cacheLookups = meter.CreateCounter<long>(
            "chatbot.cache.lookups", "{lookup}", "Answer cache lookups, by result (hit or miss).");
    }

    /// <param name="route">The route (the model name clients use) whose provider was called.</param>
    /// <param name="provider">The route's adapter.</param>
    /// <param name="status">The HTTP status code, or <c>timeout</c> / <c>connection_error</c>.</param>
    /// <param name="attempt">1 for the first attempt.</param>
    public void ProviderCall(string route, string provider, string status, int attempt) =>
        _providerCalls.Add(1, new("route", route), new("provider", provider), new("status", status), new("attempt", attempt));

    public void Retry(string route, string provider, string reason) =>
        _retries.Add(1, new("route", route), new("provider", provider), new("reason", reason));

    public void ProviderFailure(string route, string provider, ProviderFailureKind kind) =>
        _providerFailures.Add(1, new("route", route), new("provider", provider), new("kind", KindLabel(kind)));

    /// <param name="route">The route that served the answer.</param>
    /// <param name="provider">The route's adapter.</param>
    /// <param name="model">The model the provider says answered.</param>
    /// <param name="input">Prompt tokens.</param>
    /// <param name="output">Completion tokens.</param>
    /// <param name="cancelled">The client cancelled the stream: the figures are what the provider reported before the cut.</param>
    public void Tokens(string route, string provider, string model, int input, int output, bool cancelled = false)
    {
        var outcome = cancelled ? "cancelled" : "completed";
        _tokens.Add(input, new("route", route), new("provider", provider), new("model", model), new("direction", "input"), new("outcome", outcome));
        _tokens.Add(output, new("route", route), new("provider", provider), new("model", model), new("direction", "output"), new("outcome", outcome));
    }

    public void CacheLookup(bool hit) => _cacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    private static string KindLabel(ProviderFailureKind kind) => kind switch
    {
        ProviderFailureKind.Authentication => "authentication",
        ProviderFailureKind.RateLimited => "rate_limited",
        ProviderFailureKind.InvalidResponse => "invalid_response",
        ProviderFailureKind.Unavailable => "unavailable",
        ProviderFailureKind.Timeout => "timeout",
        ProviderFailureKind.RejectedRequest => "rejected_request",
        _ => "other",
    };
}
