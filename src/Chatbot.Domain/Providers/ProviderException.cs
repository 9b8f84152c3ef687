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

public sealed class ProviderInvalidResponseException(string message, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.InvalidResponse, message, innerException);

public sealed class ProviderUnavailableException(string message, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.Unavailable, message, innerException);

public sealed class ProviderTimeoutException(string message, Exception? innerException = null)
    : ProviderException(ProviderFailureKind.Timeout, message, innerException);
