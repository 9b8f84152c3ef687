using System.Net;
using System.Text.Json;
using Anthropic.Exceptions;
using Chatbot.Domain.Providers;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;

namespace Chatbot.Infrastructure.Providers.Anthropic;

/// <summary>
/// Anthropic's failures as the Domain's <see cref="ProviderException"/>s. Over the service's provider HttpClient an HTTP
/// error never reaches the SDK (<see cref="ProviderFailureHandler"/> classifies it first, as for every adapter); what
/// is left is what the SDK finds itself: a body or event that is not a message, a stream that broke, an <c>error</c>
/// event in the middle of a stream. Its own HTTP exceptions (over a client without the handlers) map as the handler would.
/// </summary>
public static class AnthropicErrors
{
    /// <summary>The Domain's exception for one the SDK threw, or null when it is none of the SDK's (or already the Domain's).</summary>
    public static ProviderException? Translate(Exception exception, Func<string?, string?> scrub)
    {
        ArgumentNullException.ThrowIfNull(scrub);
        return exception switch
        {
            ProviderException => null,
            AnthropicSseException sse => FromStreamError(sse.Body, scrub),
            AnthropicApiException api when ProviderFailureHandler.IsRefusal(api.StatusCode) => Rejected((int)api.StatusCode, api.ResponseBody, scrub),
            AnthropicApiException api => ProviderFailureHandler.ToException(api.StatusCode, null, $"The provider answered HTTP {(int)api.StatusCode}."),
            AnthropicInvalidDataException or JsonException =>
                new ProviderInvalidResponseException("The provider's answer is not a message of Anthropic's Messages API.", exception),
            AnthropicIOException or HttpRequestException or IOException => new ProviderUnavailableException("The provider's answer broke off.", exception),
            _ => null,
        };
    }

    /// <summary>
    /// An <c>error</c> event inside a stream (<c>{"type":"error","error":{"type":...,"message":...}}</c>), by its type:
    /// <c>overloaded_error</c> is the provider unavailable (503), <c>rate_limit_error</c> 429, <c>authentication_error</c>
    /// 401, <c>invalid_request_error</c> and <c>not_found_error</c> a refused request with Anthropic's words; the rest
    /// (<c>api_error</c>, <c>permission_error</c>, a type it does not know) an unusable answer (502).
    /// </summary>
    public static ProviderException FromStreamError(JsonElement body, Func<string?, string?> scrub)
    {
        ArgumentNullException.ThrowIfNull(scrub);
        var error = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var type = Text(error, "type");
        const string Message = "The provider sent an error in the stream";
        return type switch
        {
            "overloaded_error" => new ProviderUnavailableException($"{Message} ({type})."),
            "rate_limit_error" => new ProviderRateLimitedException($"{Message} ({type}).", retryAfter: null),
            "authentication_error" => new ProviderAuthenticationException($"{Message} ({type})."),
            "invalid_request_error" => Rejected(StatusCodes.BadRequest, scrub(Text(error, "message")), type),
            "not_found_error" => Rejected(StatusCodes.NotFound, scrub(Text(error, "message")), type),
            _ => new ProviderInvalidResponseException($"{Message} ({scrub(type) ?? "of no known type"})."),
        };
    }

    private static ProviderRejectedRequestException Rejected(int status, string body, Func<string?, string?> scrub)
    {
        var error = ProviderErrorBody.Describe(System.Text.Encoding.UTF8.GetBytes(body));
        return new ProviderRejectedRequestException(
            status,
            scrub(error?.Message) ?? $"The provider refused the request (HTTP {status}).",
            scrub(error?.Type),
            scrub(error?.Param),
            scrub(error?.Code));
    }

    private static ProviderRejectedRequestException Rejected(int status, string? message, string type) =>
        new(status, message ?? $"The provider refused the request (HTTP {status}).", type, null, null);

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static class StatusCodes
    {
        public const int BadRequest = (int)HttpStatusCode.BadRequest;
        public const int NotFound = (int)HttpStatusCode.NotFound;
    }
}
