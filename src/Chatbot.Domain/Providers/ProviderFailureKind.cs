namespace Chatbot.Domain.Providers;

/// <summary>Why a call to an LLM provider failed, in the terms a client of this service cares about.</summary>
public enum ProviderFailureKind
{
    /// <summary>The provider rejected our credentials.</summary>
    Authentication,

    /// <summary>The provider still rate-limited us after the retries.</summary>
    RateLimited,

    /// <summary>The provider answered with something we cannot use.</summary>
    InvalidResponse,

    /// <summary>The provider could not be reached.</summary>
    Unavailable,

    /// <summary>The provider did not answer in time.</summary>
    Timeout,

    /// <summary>The provider refused the client's request as invalid (400, 404, 422).</summary>
    RejectedRequest,
}
