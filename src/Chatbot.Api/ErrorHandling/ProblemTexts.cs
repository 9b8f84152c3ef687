namespace Chatbot.Api.ErrorHandling;

/// <summary>The fixed texts clients see. They never carry an exception's message.</summary>
public static class ProblemTexts
{
    public const string ProviderAuthentication = "Authentication failed with LLM provider";
    public const string ProviderRateLimited = "Rate limit exceeded, please try again later";
    public const string ProviderInvalidResponse = "Invalid response from LLM provider";
    public const string ProviderUnavailable = "LLM provider is unavailable, please try again later";
    public const string ProviderTimeout = "LLM provider did not respond in time";
    public const string Internal = "Internal server error occurred";
    public const string Validation = "One or more validation errors occurred.";
    public const string MalformedJson = "The request body is not valid JSON.";
    public const string InvalidUtf8 = "The request body is not valid UTF-8: a JSON string holds bytes that are not UTF-8 text.";
    public const string BodyNotAnObject = "The request body must be a JSON object.";

    /// <summary>A stream cut because the service is stopping (SHUTDOWN_TIMEOUT), unlike <see cref="ProviderUnavailable"/>.</summary>
    public const string ServiceStopping = "The service is shutting down; please try again.";

    /// <summary>The client's own key is missing or wrong (API_KEYS), unlike <see cref="ProviderAuthentication"/>.</summary>
    public const string ClientApiKeyRequired =
        "A valid API key is required: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.";

    /// <summary>The client went past this service's own limit (RATE_LIMIT_PER_MINUTE), unlike <see cref="ProviderRateLimited"/>.</summary>
    public static string ClientRateLimited(int permitsPerMinute) =>
        $"This client's rate limit of {permitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
        $"{(permitsPerMinute == 1 ? "request" : "requests")} per minute is exceeded; try again in the number of seconds given by Retry-After.";

    /// <summary>The detail of a 413: the limit in KiB.</summary>
    public static string BodyTooLarge(long limitBytes) =>
        $"The request body is larger than the limit of {(limitBytes / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)} KiB.";

    /// <summary>A detail for a status that came with none (404, 405, 415, ...).</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is malformed.",
        StatusCodes.Status401Unauthorized => ProviderAuthentication,
        StatusCodes.Status404NotFound => "No resource exists at this path.",
        StatusCodes.Status405MethodNotAllowed => "This method is not allowed on this path.",
        StatusCodes.Status406NotAcceptable => "The service cannot answer in the media type asked for.",
        StatusCodes.Status413PayloadTooLarge => BodyTooLarge(DependencyInjection.MaxRequestBodyBytes),
        StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
        StatusCodes.Status422UnprocessableEntity => Validation,
        StatusCodes.Status429TooManyRequests => ProviderRateLimited,
        StatusCodes.Status502BadGateway => ProviderInvalidResponse,
        StatusCodes.Status503ServiceUnavailable => ProviderUnavailable,
        StatusCodes.Status504GatewayTimeout => ProviderTimeout,
        >= 500 => Internal,
        _ => "The request could not be processed.",
    };
}
