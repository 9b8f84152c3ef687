using Chatbot.Api.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// <c>/health/ready</c> and <c>/metrics</c> are endpoints of the framework (health checks, the Prometheus exporter),
/// not controllers, so NSwag does not see them: they are written into the document here. <c>/metrics</c> is in the
/// document whether or not METRICS_ENABLED is on, as the document is the same whatever the configuration.
/// </summary>
public sealed class OperationalEndpointsProcessor : IDocumentProcessor
{
    public const string ReadinessSchemaName = "Readiness";

    public void Process(DocumentProcessorContext context)
    {
        var document = context.Document;
        var readiness = ReadinessSchema();
        document.Components.Schemas[ReadinessSchemaName] = readiness;
        var problem = context.SchemaGenerator.GenerateWithReference<JsonSchema>(
            Namotion.Reflection.ContextualTypeExtensions.ToContextualType(typeof(ProblemDetails)), context.SchemaResolver);

        var ready = new OpenApiOperation
        {
            OperationId = "Health_Ready",
            Summary = "Readiness: whether this instance's dependencies (Redis, when REDIS_URL is set) answer.",
            Description = "Open to every caller and never rate limited. Redis away is Degraded with 200: the instance " +
                "still answers, without the shared cache and limits (ADR 0003).",
        };
        ready.Tags.Add("Health");
        ready.Responses["200"] = Response(
            "Healthy, or Degraded (a dependency is away; the description of its check says what that means).",
            "application/json",
            new JsonSchema { Reference = readiness },
            new
            {
                status = "Healthy",
                checks = new Dictionary<string, object>
                {
                    ["routes"] = new { status = "Healthy", routes = new Dictionary<string, string> { ["gpt-4o-mini"] = "closed" } },
                },
            }); // the routes' circuit breakers; with REDIS_URL, redis too
        ready.Responses["503"] = Response(
            "Unhealthy: a check failed (none of today's checks reports that; Redis away or a route's open circuit is Degraded).",
            "application/json",
            new JsonSchema { Reference = readiness },
            null);
        document.Paths["/health/ready"] = new OpenApiPathItem { [OpenApiOperationMethod.Get] = ready };

        var metrics = new OpenApiOperation
        {
            OperationId = "Metrics_Get",
            Summary = "Prometheus metrics (METRICS_ENABLED, on by default).",
            Description = "OpenTelemetry's meters in Prometheus' text format (OpenMetrics when the Accept header asks for it). " +
                "Never rate limited; needs a client key when the service runs with API_KEYS.",
            Security = SecurityProcessor.KeyOptional(),
        };
        metrics.Tags.Add("Metrics");
        var text = new JsonSchema { Type = JsonObjectType.String };
        var ok = Response("The metrics.", "text/plain", text, "# TYPE chatbot_requests_total counter\n");
        ok.Content["application/openmetrics-text"] = new OpenApiMediaType { Schema = new JsonSchema { Type = JsonObjectType.String } };
        metrics.Responses["200"] = ok;
        metrics.Responses["401"] = Response(
            "No valid client API key (only when the service runs with API_KEYS).",
            "application/problem+json",
            problem,
            ErrorExamples.Problem(StatusCodes.Status401Unauthorized, ErrorCases.ClientKey, "/metrics"));
        metrics.Responses["404"] = Response(
            "METRICS_ENABLED is off (with API_KEYS, a call without a valid key gets 401 instead).",
            "application/problem+json",
            problem,
            ErrorExamples.Problem(StatusCodes.Status404NotFound, ErrorCases.None, "/metrics"));
        document.Paths["/metrics"] = new OpenApiPathItem { [OpenApiOperationMethod.Get] = metrics };
    }

    private static OpenApiResponse Response(string description, string mediaType, JsonSchema schema, object? example)
    {
        var response = new OpenApiResponse { Description = description };
        response.Content[mediaType] = new OpenApiMediaType { Schema = schema, Example = example };
        PerformanceHeadersProcessor.AddTo(response);
        return response;
    }

    private static JsonSchemaProperty Status() => new()
    {
        Type = JsonObjectType.String,
        Enumeration = { "Healthy", "Degraded", "Unhealthy" },
    };

    /// <summary>What <see cref="ReadinessResponse"/> writes.</summary>
    private static JsonSchema ReadinessSchema()
    {
        var check = new JsonSchema { Type = JsonObjectType.Object, AllowAdditionalProperties = false };
        check.Properties["status"] = Status();
        check.Properties["description"] = new JsonSchemaProperty
        {
            Type = JsonObjectType.String,
            Description = "Why the check is not Healthy; absent when it is.",
        };
        var routeState = new JsonSchemaProperty { Type = JsonObjectType.String };
        foreach (var state in new[] { "closed", "half_open", "open" })
        {
            routeState.Enumeration.Add(state);
        }

        check.Properties["routes"] = new JsonSchemaProperty
        {
            Type = JsonObjectType.Object,
            Description = "Only on the routes check: each route's circuit breaker (closed; half_open: one trial call decides; open: not called).",
            AdditionalPropertiesSchema = routeState,
        };
        check.RequiredProperties.Add("status");

        var schema = new JsonSchema
        {
            Type = JsonObjectType.Object,
            AllowAdditionalProperties = false,
            Description = "The state of this instance and of each of its checks (routes: the circuit breakers; redis when REDIS_URL is set).",
        };
        schema.Properties["status"] = Status();
        schema.Properties["checks"] = new JsonSchemaProperty { Type = JsonObjectType.Object, AdditionalPropertiesSchema = check };
        schema.RequiredProperties.Add("status");
        schema.RequiredProperties.Add("checks");
        return schema;
    }
}
