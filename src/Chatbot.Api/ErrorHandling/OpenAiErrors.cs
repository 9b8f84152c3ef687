using Chatbot.Api.Contracts;
using Chatbot.Application.Common.Exceptions;

namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// Errors of the OpenAI-compatible surface (<c>/v1/*</c>) in OpenAI's shape, so OpenAI's SDKs understand them.
/// The statuses are the problem details' of the rest of the API, but for a broken rule: OpenAI's 400 (404 for the model).
/// </summary>
public static class OpenAiErrors
{
    public static (int Status, OpenAiErrorResponse Body) From(Exception exception, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (exception is RequestValidationException validation)
        {
            // The use case's rules speak the domain's words; param gives the field by the wire's name.
            var (param, messages) = validation.Errors.First();
            return validation.Errors.TryGetValue("model", out var model)
                ? (StatusCodes.Status404NotFound, Error(model[0] + " GET /v1/models lists it.", "invalid_request_error", "model", "model_not_found"))
                : (StatusCodes.Status400BadRequest, Error(messages[0], "invalid_request_error", WireName(param), null));
        }

        if (exception is Domain.Providers.ProviderRejectedRequestException rejected)
        {
            // The provider's own answer to the client's request: its status and words (the service's key scrubbed).
            return (rejected.Status, Error(rejected.ProviderMessage, rejected.Type ?? TypeFor(rejected.Status), rejected.Param, rejected.Code));
        }

        var problem = ProblemDetailsExceptionHandler.Map(exception);
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        // A body Kestrel refused (413) gets the code the same status has from the framework.
        var code = exception is BadHttpRequestException ? CodeFor(status) : null;
        // The limit the body broke is this request's own: /v1/chat/completions takes more than the rest (CHAT_MAX_BODY_KB).
        var detail = status == StatusCodes.Status413PayloadTooLarge
            && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit
            ? ProblemTexts.BodyTooLarge(limit)
            : problem.Detail ?? ProblemTexts.ForStatus(status);
        return (status, Error(detail, TypeFor(status), null, code));
    }

    /// <summary>
    /// An error decided by status alone, with the detail its producer gave if any: the framework's 404, 405 and 415,
    /// and this service's own gates, whose 401 (the client's key) and 429 (the client's limit) are OpenAI's own answers.
    /// </summary>
    public static (int Status, OpenAiErrorResponse Body) ForStatus(int status, string? detail, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = status switch
        {
            StatusCodes.Status401Unauthorized =>
                Error(detail ?? ProblemTexts.ClientApiKeyRequired, "invalid_request_error", null, "invalid_api_key"),
            StatusCodes.Status429TooManyRequests =>
                Error(detail ?? ProblemTexts.ForStatus(status), "rate_limit_error", null, "rate_limit_exceeded"),
            StatusCodes.Status404NotFound =>
                Error(detail ?? $"Invalid URL ({request.Method} {request.Path})", "invalid_request_error", null, CodeFor(status)),
            StatusCodes.Status405MethodNotAllowed =>
                Error(detail ?? $"Invalid method for URL ({request.Method} {request.Path})", "invalid_request_error", null, CodeFor(status)),
            _ => Error(detail ?? ProblemTexts.ForStatus(status), TypeFor(status), null, CodeFor(status)),
        };
        return (status, body);
    }

    // The application's property path as OpenAI's JSON spells it: "maxTokens" is "max_tokens", "messages[2].content" stays.
    private static string WireName(string path) =>
        string.Join('.', path.Split('.').Select(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName));

    private static OpenAiErrorResponse Error(string message, string type, string? param, string? code) =>
        new(new OpenAiError(message, type, param, code));

    /// <summary>The code an error decided by its status alone carries (413, 415, an unknown /v1 URL, a wrong method).</summary>
    public static string? CodeFor(int status) => status switch
    {
        StatusCodes.Status404NotFound => "unknown_url",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        _ => null,
    };

    /// <summary>OpenAI's error type for a status.</summary>
    public static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        < 500 => "invalid_request_error",
        _ => "api_error",
    };
}
