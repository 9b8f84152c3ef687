using System.Globalization;
using System.Reflection;
using Chatbot.Api.Contracts;
using Chatbot.Api.ErrorHandling;
using Microsoft.AspNetCore.Mvc;
using Namotion.Reflection;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// The error responses of every operation, from its <see cref="ErrorResponsesAttribute"/>: which statuses, in which
/// shape (OpenAI's error body as <c>application/json</c> under <c>/v1</c>, <c>application/problem+json</c> elsewhere),
/// with the standard description of the status (or the action's own <c>&lt;response&gt;</c> text), an example as the
/// service writes it (<see cref="ErrorExamples"/>) and <c>Retry-After</c> on 429.
/// </summary>
public sealed class ErrorResponsesProcessor : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        var cases = context.MethodInfo.GetCustomAttribute<ErrorResponsesAttribute>()?.Cases ?? ErrorCases.None;
        if (cases == ErrorCases.None)
        {
            return true;
        }

        var path = "/" + context.OperationDescription.Path.TrimStart('/');
        var openAi = path.StartsWith("/v1/", StringComparison.Ordinal);
        var streams = context.MethodInfo.GetCustomAttributes().OfType<IEventStreamAttribute>().Any();
        var ownDescriptions = OwnDescriptions(context.MethodInfo);
        var responses = context.OperationDescription.Operation.Responses;

        foreach (var status in Statuses(cases, openAi))
        {
            var code = status.ToString(CultureInfo.InvariantCulture);
            var schemaType = openAi ? typeof(OpenAiErrorResponse)
                : status == StatusCodes.Status422UnprocessableEntity ? typeof(HttpValidationProblemDetails)
                : typeof(ProblemDetails);
            var schema = context.SchemaGenerator.GenerateWithReference<JsonSchema>(schemaType.ToContextualType(), context.SchemaResolver);
            var response = new OpenApiResponse
            {
                Description = ownDescriptions.GetValueOrDefault(code) ?? Description(status, cases, openAi, streams),
            };
            response.Content[openAi ? "application/json" : "application/problem+json"] = new OpenApiMediaType
            {
                Schema = schema,
                Example = openAi ? ErrorExamples.OpenAi(status, cases) : ErrorExamples.Problem(status, cases, path),
            };
            if (status == StatusCodes.Status429TooManyRequests)
            {
                response.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again: until this client's rate-limit window ends, " +
                        "or as the provider said when it said.",
                    Schema = new JsonSchema { Type = JsonObjectType.Integer },
                };
            }

            responses[code] = response;
        }

        return true;
    }

    /// <summary>The statuses of the cases, in order.</summary>
    public static IEnumerable<int> Statuses(ErrorCases cases, bool openAi)
    {
        var statuses = new SortedSet<int>();
        if (cases.HasFlag(ErrorCases.ClientKey))
        {
            statuses.UnionWith([StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests]);
        }

        if (cases.HasFlag(ErrorCases.JsonBody))
        {
            statuses.UnionWith([StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType]);
            statuses.Add(openAi ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity);
        }

        if (cases.HasFlag(ErrorCases.Provider))
        {
            statuses.UnionWith(
            [
                StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError,
                StatusCodes.Status502BadGateway, StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout,
            ]);
        }

        if (cases.HasFlag(ErrorCases.UnknownModel))
        {
            statuses.Add(StatusCodes.Status404NotFound);
        }

        return statuses;
    }

    private static string Description(int status, ErrorCases cases, bool openAi, bool streams)
    {
        var clientKey = cases.HasFlag(ErrorCases.ClientKey);
        var provider = cases.HasFlag(ErrorCases.Provider);
        var text = status switch
        {
            StatusCodes.Status400BadRequest => openAi
                ? "The body is not valid JSON, has a field the service does not know, or breaks a rule of the request (roles, parts, tools, sizes, ranges); param names the field."
                : "The body is not valid JSON.",
            StatusCodes.Status401Unauthorized => Either(
                clientKey ? "No valid client API key (only when the service runs with API_KEYS)" : null,
                provider ? "the LLM provider rejected this service's credentials" : null),
            StatusCodes.Status404NotFound => "The model is not the one this service serves (see GET /v1/models).",
            StatusCodes.Status413PayloadTooLarge => openAi
                ? "The body is larger than CHAT_MAX_BODY_KB (8192 KiB by default)."
                : "The body is larger than 64 KiB.",
            StatusCodes.Status415UnsupportedMediaType => "The body is not application/json.",
            StatusCodes.Status422UnprocessableEntity => "The body breaks a rule of the request; errors names each field and its reasons.",
            StatusCodes.Status429TooManyRequests => Either(
                clientKey ? "This client went past its rate limit (only when the service runs with RATE_LIMIT_PER_MINUTE)" : null,
                provider ? "the LLM provider still rate-limits after the retries" : null) + " See Retry-After.",
            StatusCodes.Status500InternalServerError => "An unexpected error.",
            StatusCodes.Status502BadGateway => "The LLM provider answered with something unusable (not a completion, no content, an answer over LLM_MAX_RESPONSE_KB, a stream cut before its end).",
            StatusCodes.Status503ServiceUnavailable => streams
                ? "The LLM provider could not be reached, or (once events have gone out, as an error event) the service shut down before the stream ended."
                : "The LLM provider could not be reached.",
            StatusCodes.Status504GatewayTimeout => "The LLM provider did not answer within the timeout.",
            _ => ProblemTexts.ForStatus(status),
        };
        return text;
    }

    private static string Either(string? first, string? second) =>
        first is not null && second is not null ? $"{first}, or {second}." : (first ?? second ?? string.Empty) + ".";

    /// <summary>The action's own <c>&lt;response code="..."&gt;</c> texts, which replace the standard ones.</summary>
    private static Dictionary<string, string> OwnDescriptions(MethodInfo method) =>
        method.GetXmlDocsElement(new XmlDocsOptions())?.Elements("response")
            .Where(e => e.Attribute("code") is not null)
            .ToDictionary(e => e.Attribute("code")!.Value, e => string.Join(' ', e.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), StringComparer.Ordinal)
        ?? [];
}
