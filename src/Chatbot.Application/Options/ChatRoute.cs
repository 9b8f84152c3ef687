namespace Chatbot.Application.Options;

/// <summary>
/// One model clients may ask for, and how it is served: a complete <see cref="LlmOptions"/> (provider, base URL,
/// upstream model, resolved key, sampling defaults, timeout, retries, answer size limit), the routes tried in order
/// when it fails, and its circuit breaker's settings. Built once at start; treat <see cref="Llm"/> as read-only.
/// </summary>
/// <param name="Model">The name clients use (a routes file's <c>model</c>; <c>LLM_MODEL</c> without one).</param>
/// <param name="Llm">How this route talks to its provider; <see cref="LlmOptions.Model"/> is the upstream model.</param>
/// <param name="Fallbacks">Models of other routes, tried in this order; never leads back to this route.</param>
/// <param name="BreakDuration">How long the breaker stays open once <paramref name="BreakerFailures"/> consecutive failures opened it.</param>
/// <param name="BreakerFailures">Consecutive failures that open this route's breaker.</param>
/// <param name="ApiKeyEnv">The variable the key was read from, or null when the route has none.</param>
public sealed record ChatRoute(
    string Model,
    LlmOptions Llm,
    IReadOnlyList<string> Fallbacks,
    TimeSpan BreakDuration,
    int BreakerFailures,
    string? ApiKeyEnv);
