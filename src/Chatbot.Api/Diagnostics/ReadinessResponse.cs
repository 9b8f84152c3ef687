using Chatbot.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chatbot.Api.Diagnostics;

/// <summary>
/// The body of <c>/health/ready</c>: <c>{"status":"Healthy|Degraded|Unhealthy","checks":{"redis":{...}}}</c>.
/// Redis away is <c>Degraded</c> with 200: the instance still answers (without the shared cache and limits), and
/// every instance shares the one Redis, so a 503 would take them all out of the load balancer at once.
/// </summary>
public static class ReadinessResponse
{
    public const string RedisDegraded =
        "Redis is unreachable: answers are cached in this instance only and rate limits are counted per instance until it is back.";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.ToDictionary(
            e => e.Key,
            e => new ReadinessCheck(e.Value.Status.ToString(), Describe(e.Key, e.Value))
            {
                // The routes' check says each route's circuit state; other checks' data is not for clients.
                Routes = e.Key == Chatbot.Infrastructure.DependencyInjection.RoutesHealthCheckName && e.Value.Data.Count > 0
                    ? e.Value.Data.ToDictionary(d => d.Key, d => d.Value.ToString() ?? string.Empty, StringComparer.Ordinal)
                    : null,
            });
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new Readiness(report.Status.ToString(), checks), ApiJson.Options, context.RequestAborted);
    }

    // Fixed texts: an exception's message could name hosts and is not for clients.
    private static string? Describe(string name, HealthReportEntry entry) => entry.Status switch
    {
        HealthStatus.Healthy => null,
        _ when name == Chatbot.Infrastructure.DependencyInjection.RedisHealthCheckName => RedisDegraded,
        _ => entry.Description,
    };

    private sealed record Readiness(string Status, IReadOnlyDictionary<string, ReadinessCheck> Checks);

    private sealed record ReadinessCheck(
        string Status,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        string? Description)
    {
        /// <summary>For the routes' check: each route's circuit state (closed, half_open, open).</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyDictionary<string, string>? Routes { get; init; }
    }
}
