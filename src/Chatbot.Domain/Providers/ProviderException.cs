namespace Chatbot.Domain.Providers;

/// <summary>A call to an LLM provider failed. The message is for logs; clients see a fixed text per kind.</summary>
public abstract class ProviderException(ProviderFailureKind kind, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ProviderFailureKind Kind { get; } = kind;
}

public sealed class ProviderAuthenticationException(string message, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.Authentication, message, innerException);

public sealed class ProviderRateLimitedException(string message, TimeSpan? retryAfter, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.RateLimited, message, innerException)
{
    /// <summary>How long the provider asked us to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

public sealed class ProviderInvalidResponseException(string message, Exception? innerException = null, int? status = null)
    : ProviderException(ProviderFailureKind.InvalidResponse, message, innerException)
{
    /// <summary>The provider's HTTP status when it answered with an error status (5xx), null for an unusable body.</summary>
    public int? Status { get; } = status;
}

public sealed class ProviderUnavailableException(string message, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.Unavailable, message, innerException);

/// <summary>
/// A route's circuit breaker is open: its provider failed too often in a row, and it is not called until the break is
/// over (<see cref="RetryAfter"/>).
/// </summary>
public sealed class ProviderCircuitOpenException(string route, TimeSpan retryAfter, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.Unavailable, $"The circuit of route '{route}' is open for another {retryAfter.TotalSeconds:F0} s.", innerException)
{
    public string Route { get; } = route;

    public TimeSpan RetryAfter { get; } = retryAfter;
}

public sealed class ProviderTimeoutException(string message, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.Timeout, message, innerException);

/// <summary>
/// The provider refused the client's request itself (400, 404, 422): a field it does not take, a model it does not
/// have. The message, type, param and code are the provider's own, with the service's keys taken out.
/// </summary>
public sealed class ProviderRejectedRequestException(int status, string message, string? type, string? param, string? code)
    : ProviderException(ProviderFailureKind.RejectedRequest, $"The provider refused the request (HTTP {status}): {message}")
{
    public int Status { get; } = status;

    /// <summary>The provider's own words, meant for the client.</summary>
    public string ProviderMessage { get; } = message;

    public string? Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;
}

/// <summary>Which provider failures hand a request to a route's fallback.</summary>
public static class ProviderFailures
{
    /// <summary>
    /// A failure that may pass (429, 5xx, a timeout, an unreachable provider, an open circuit): another route may serve.
    /// A refused request (400, 404, 422), refused credentials or an unusable answer are not: another route would not
    /// make the request or the key right.
    /// </summary>
    public static bool IsTransient(ProviderException failure) => failure switch
    {
        ProviderRateLimitedException or ProviderUnavailableException or ProviderTimeoutException or ProviderCircuitOpenException => true,
        ProviderInvalidResponseException { Status: >= 500 } => true,
        _ => false,
    };
}
