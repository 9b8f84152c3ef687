using System.Diagnostics.Metrics;
using Chatbot.Application.Common.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chatbot.Infrastructure.Providers;

/// <summary>
/// The routes' circuit breakers in <c>/health/ready</c> (each route's state in the check's data) and in
/// <c>/metrics</c> (<c>chatbot.route.circuit_state</c>: 0 closed, 1 half-open, 2 open, by route and provider).
/// Degraded, never Unhealthy, while a route's circuit is open or on trial: every instance shares the providers, and a
/// 503 would take them all out of the load balancer at once (as for Redis, ADR 0003). Breakers are per instance.
/// </summary>
public sealed class RouteCircuitHealthCheck : IHealthCheck
{
    private readonly RouteProviders _routes;

    public RouteCircuitHealthCheck(RouteProviders routes, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _routes = routes;
        meterFactory.Create(ChatbotMetrics.MeterName).CreateObservableGauge(
            "chatbot.route.circuit_state",
            () => routes.Breakers.Select(b => new Measurement<int>(
                b.StateName switch { "closed" => 0, "half_open" => 1, _ => 2 },
                new KeyValuePair<string, object?>("route", b.Route.Model),
                new KeyValuePair<string, object?>("provider", b.Route.Llm.Provider))),
            "{state}",
            "Each route's circuit breaker: 0 closed, 1 half-open (one trial call decides), 2 open (the route is not called).");
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = _routes.Breakers.ToDictionary(b => b.Route.Model, b => (object)b.StateName, StringComparer.Ordinal);
        var broken = _routes.Breakers.Where(b => b.StateName != "closed").Select(b => b.Route.Model).ToList();
        return Task.FromResult(broken.Count == 0
            ? HealthCheckResult.Healthy(data: states)
            : HealthCheckResult.Degraded(
                $"The circuit of {string.Join(", ", broken.Select(r => $"route '{r}'"))} is open: "
                + "its fallbacks serve, or it answers 503 until its break is over.",
                data: states));
    }
}
