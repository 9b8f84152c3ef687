using System.Text.Json;
using Chatbot.Api.Contracts;
using Chatbot.Api.ErrorHandling;
using Microsoft.AspNetCore.Mvc;
using Newtonsoft.Json.Linq;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// The error bodies the document shows, member for member as the service writes them: the same texts
/// (<see cref="ProblemTexts"/>), types and titles, serialized by the service's own JSON options. The examples of
/// <c>tests/Chatbot.ClientTests</c> (ExamplesEqualRealAnswersTests) provoke each status and compare.
/// </summary>
public static class ErrorExamples
{
    /// <summary>A trace id as the service writes one (W3C traceparent).</summary>
    public const string SampleTraceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>The rate limit the 429 examples name (RATE_LIMIT_PER_MINUTE).</summary>
    public const int SampleRateLimit = 60;

    /// <summary>The model a request names in the 404 example, and the one the service serves (LLM_MODEL's default).</summary>
    public const string SampleUnknownModel = "gpt-4o";
    public const string SampleServedModel = "gpt-4o-mini";

    public static JToken Problem(int status, ErrorCases cases, string path)
    {
        var (type, title) = TypeAndTitle(status);
        ProblemDetails problem = status == StatusCodes.Status422UnprocessableEntity
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["text"] = ["The text must be at most 1024 characters long."],
            })
            : new ProblemDetails();
        problem.Type = type;
        problem.Title = title;
        problem.Status = status;
        problem.Detail = Detail(status, cases);
        problem.Instance = path;
        problem.Extensions["traceId"] = SampleTraceId;
        return Json(problem);
    }

    public static JToken OpenAi(int status, ErrorCases cases)
    {
        var clientKey = cases.HasFlag(ErrorCases.ClientKey);
        var error = status switch
        {
            StatusCodes.Status400BadRequest => new OpenAiError(
                $"'role' must be one of {Contracts.OpenAiRoles.Names}.", "invalid_request_error", "messages[0].role", null),
            StatusCodes.Status401Unauthorized when clientKey => new OpenAiError(
                ProblemTexts.ClientApiKeyRequired, "invalid_request_error", null, "invalid_api_key"),
            StatusCodes.Status404NotFound => new OpenAiError(
                $"The model '{SampleUnknownModel}' is not served here; this service serves '{SampleServedModel}'. GET /v1/models lists it.",
                "invalid_request_error", "model", "model_not_found"),
            StatusCodes.Status429TooManyRequests when clientKey => new OpenAiError(
                ProblemTexts.ClientRateLimited(SampleRateLimit), "rate_limit_error", null, "rate_limit_exceeded"),
            StatusCodes.Status413PayloadTooLarge => new OpenAiError(
                ProblemTexts.BodyTooLarge(Infrastructure.Configuration.Variables.ChatMaxBodyKilobytes.DefaultValue!.Value * 1024L),
                OpenAiErrors.TypeFor(status), null, OpenAiErrors.CodeFor(status)),
            _ => new OpenAiError(Detail(status, cases), OpenAiErrors.TypeFor(status), null, OpenAiErrors.CodeFor(status)),
        };
        return Json(new OpenAiErrorResponse(error));
    }

    private static string Detail(int status, ErrorCases cases) => status switch
    {
        StatusCodes.Status400BadRequest => ProblemTexts.MalformedJson,
        StatusCodes.Status401Unauthorized when cases.HasFlag(ErrorCases.ClientKey) => ProblemTexts.ClientApiKeyRequired,
        StatusCodes.Status429TooManyRequests when cases.HasFlag(ErrorCases.ClientKey) => ProblemTexts.ClientRateLimited(SampleRateLimit),
        _ => ProblemTexts.ForStatus(status),
    };

    /// <summary>
    /// ASP.NET Core's problem types and titles (its ProblemDetailsDefaults, which are internal): RFC 9110 sections,
    /// and for 422 the validation problem's own. 429 is none of them, so the service writes about:blank.
    /// </summary>
    private static (string Type, string Title) TypeAndTitle(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ("https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request"),
        StatusCodes.Status401Unauthorized => ("https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized"),
        StatusCodes.Status404NotFound => ("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found"),
        StatusCodes.Status413PayloadTooLarge => ("https://tools.ietf.org/html/rfc9110#section-15.5.14", "Content Too Large"),
        StatusCodes.Status415UnsupportedMediaType => ("https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported Media Type"),
        StatusCodes.Status422UnprocessableEntity => ("https://tools.ietf.org/html/rfc4918#section-11.2", "One or more validation errors occurred."),
        StatusCodes.Status500InternalServerError => ("https://tools.ietf.org/html/rfc9110#section-15.6.1", "An error occurred while processing your request."),
        StatusCodes.Status502BadGateway => ("https://tools.ietf.org/html/rfc9110#section-15.6.3", "Bad Gateway"),
        StatusCodes.Status503ServiceUnavailable => ("https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service Unavailable"),
        StatusCodes.Status504GatewayTimeout => ("https://tools.ietf.org/html/rfc9110#section-15.6.5", "Gateway Timeout"),
        _ => ("about:blank", Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)),
    };

    // NSwag writes examples with Newtonsoft.Json: the body is serialized as the service serializes it, then handed over as a token.
    private static JToken Json(object value) => JToken.Parse(JsonSerializer.Serialize(value, value.GetType(), ApiJson.Options));
}
