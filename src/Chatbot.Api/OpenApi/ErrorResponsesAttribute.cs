namespace Chatbot.Api.OpenApi;

/// <summary>The kinds of failure an operation can answer with; <see cref="ErrorResponsesProcessor"/> turns them into responses.</summary>
[Flags]
public enum ErrorCases
{
    None = 0,

    /// <summary>401 without a valid client key, 429 past the client's rate limit (only when API_KEYS or RATE_LIMIT_PER_MINUTE are set).</summary>
    ClientKey = 1,

    /// <summary>A JSON body: 400 malformed, 413 over 64 KiB, 415 not JSON, and its validation (422, or 400 under /v1).</summary>
    JsonBody = 2,

    /// <summary>A call to the LLM provider: 401, 429 after the retries, 500, 502, 503, 504.</summary>
    Provider = 4,

    /// <summary>404: the request names a model this service does not serve (/v1 only).</summary>
    UnknownModel = 8,
}

/// <summary>
/// The error responses of an operation, declared once here instead of one <c>[ProducesResponseType]</c> per status.
/// The body's shape follows the path: OpenAI's error body under <c>/v1</c>, problem details elsewhere. A
/// <c>&lt;response code="..."&gt;</c> in the action's XML comment replaces the standard description of that status.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ErrorResponsesAttribute(ErrorCases cases) : Attribute
{
    public ErrorCases Cases { get; } = cases;
}
