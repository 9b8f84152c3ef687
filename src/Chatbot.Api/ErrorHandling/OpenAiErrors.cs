using Chatbot.Api.Contracts;
using Chatbot.Application.Common.Exceptions;

namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// Errors of the OpenAI-compatible surface (<c>/v1/*</c>) in OpenAI's shape, so OpenAI's SDKs understand them.
/// The statuses are the same as the problem details of the rest of the API.
/// </summary>
public static class OpenAiErrors
{
    public static bool AppliesTo(HttpContext context) => context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal);

    public static (int Status, OpenAiErrorResponse Body) From(Exception exception)
    {
        if (exception is RequestValidationException validation)
        {
            // The use case's rules speak the domain's words; the wire's names and OpenAI's phrasing are added here.
            var (param, messages) = validation.Errors.First();
            return validation.Errors.TryGetValue("model", out var model)
                ? (StatusCodes.Status404NotFound, Error(model[0] + " GET /v1/models lists it.", "invalid_request_error", "model", "model_not_found"))
                : (StatusCodes.Status400BadRequest, InvalidRequest($"Invalid '{WireName(param)}': {messages[0]}", WireName(param)));
        }

        var problem = ProblemDetailsExceptionHandler.Map(exception);
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        return (status, Error(problem.Detail ?? ProblemTexts.ForStatus(status), TypeFor(status), null, null));
    }

    // The application's property path as OpenAI's JSON spells it: "maxTokens" is "max_tokens", "messages[2].content" stays.
    private static string WireName(string path) =>
        string.Join('.', path.Split('.').Select(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName));

    /// <summary>OpenAI's own answer to a wrong key, so its SDKs raise their authentication error.</summary>
    public static OpenAiErrorResponse InvalidApiKey() =>
        Error(ProblemTexts.ClientApiKeyRequired, "invalid_request_error", null, "invalid_api_key");

    public static OpenAiErrorResponse ClientRateLimited(string message) =>
        Error(message, "rate_limit_error", null, "rate_limit_exceeded");

    /// <summary>A broken rule of the request (400); <paramref name="param"/> is the field's JSON path, e.g. <c>messages[1].role</c>.</summary>
    public static OpenAiErrorResponse InvalidRequest(string message, string param) =>
        Error(message, "invalid_request_error", param, null);

    public static OpenAiErrorResponse MalformedJson() =>
        Error(ProblemTexts.MalformedJson, "invalid_request_error", null, null);

    private static OpenAiErrorResponse Error(string message, string type, string? param, string? code) =>
        new(new OpenAiError(message, type, param, code));

    private static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        < 500 => "invalid_request_error",
        _ => "api_error",
    };
}
