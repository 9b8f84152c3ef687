using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Chatbot.Infrastructure.Providers;

/// <summary>
/// Every route's adapter over that route's own HttpClient (ADR 0002's pipeline, per route): the failures handler
/// outermost (failures as the Domain's exceptions, every route's key scrubbed), then one Polly handler with the route's
/// circuit breaker around its retries around each attempt's timeout, then the response guard (answers read within the
/// attempt and the size limit). Built once, when the service first needs a provider.
/// </summary>
public sealed class RouteProviders : IRouteProviders, IDisposable
{
    private readonly Dictionary<ChatRoute, Served> _routes = new(ReferenceEqualityComparer.Instance);

    public RouteProviders(
        IOptions<RouteTable> routes,
        ProviderCatalog catalog,
        ProviderPrimaryHandler primary,
        IServiceProvider services,
        TimeProvider timeProvider,
        ChatbotMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(primary);
        var table = routes.Value;
        var retryLogger = loggerFactory.CreateLogger<ProviderResiliencePolicies>();
        foreach (var route in table.Routes)
        {
            var breaker = new RouteCircuitBreaker(route);
            var policies = new ProviderResiliencePolicies(route, timeProvider, metrics, retryLogger);
            var handler = new ProviderFailureHandler(timeProvider, route, table.Secrets, breaker)
            {
                InnerHandler = new PolicyHttpMessageHandler(breaker.Policy.WrapAsync(policies.RetryAroundTimeout))
                {
                    InnerHandler = new ProviderResponseGuard(route, metrics) { InnerHandler = primary.Create() },
                },
            };
            var client = new HttpClient(handler)
            {
                // Each attempt has its own timeout (Polly); the client's own would cut across retries.
                Timeout = Timeout.InfiniteTimeSpan,

                // ProviderResponseGuard reads answers within this bound already; this is the second lock on the door.
                MaxResponseContentBufferSize = route.Llm.MaxResponseBytes,
            };
            _routes.Add(route, new Served(catalog.Create(route.Llm.Provider, services, client, route.Llm), client, breaker));
        }

        Breakers = [.. _routes.Values.Select(s => s.Breaker)];
    }

    /// <summary>Every route's breaker, in the routes file's order.</summary>
    public IReadOnlyList<RouteCircuitBreaker> Breakers { get; }

    public IChatCompletionProvider For(ChatRoute route) => Get(route).Provider;

    /// <summary>The route's HttpClient, with its whole pipeline (for tests of the pipeline itself).</summary>
    public HttpClient ClientFor(ChatRoute route) => Get(route).Client;

    public void Dispose()
    {
        foreach (var served in _routes.Values)
        {
            (served.Provider as IDisposable)?.Dispose();
            served.Client.Dispose();
        }
    }

    private Served Get(ChatRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return _routes.TryGetValue(route, out var served)
            ? served
            : throw new ArgumentException($"'{route.Model}' is not a route of this service's table.", nameof(route));
    }

    private sealed record Served(IChatCompletionProvider Provider, HttpClient Client, RouteCircuitBreaker Breaker);
}
