using System.Globalization;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>What a variable configures; each concern is read into its own options type.</summary>
public enum Concern
{
    Provider,
    Host,
    Redis,
    Cache,
    ClientKeys,
    RateLimit,
}

/// <summary>
/// One variable the service reads, declared once: its name, its default and its rule as the README's table,
/// <c>env.example</c> and <c>--help</c> show them. The typed kinds below also check a value against the rule, so
/// the bounds in an error line are the declared ones.
/// </summary>
public abstract class Variable(string name, Concern concern, string defaultText, string rule)
{
    public string Name { get; } = name;

    public Concern Concern { get; } = concern;

    /// <summary>The default as documented: a value, or words such as "none".</summary>
    public string Default { get; } = defaultText;

    /// <summary>The rule as documented.</summary>
    public string Rule { get; } = rule;

    public override string ToString() => Name;
}

/// <summary>Free text; what it must be is checked by the options type that reads it.</summary>
public sealed class TextVariable(string name, Concern concern, string defaultText, string rule)
    : Variable(name, concern, defaultText, rule);

/// <summary>true/false (also 1/0, yes/no, on/off).</summary>
public sealed class FlagVariable(string name, Concern concern, bool defaultValue, string rule)
    : Variable(name, concern, defaultValue ? "true" : "false", rule)
{
    public bool DefaultValue { get; } = defaultValue;
}

/// <summary>A number within bounds; <see cref="AboveMin"/> makes the lower bound exclusive.</summary>
public sealed class NumberVariable(string name, Concern concern, double defaultValue, double min, double max, string rule, bool aboveMin = false)
    : Variable(name, concern, defaultValue.ToString(CultureInfo.InvariantCulture), rule)
{
    public double DefaultValue { get; } = defaultValue;

    public double Min { get; } = min;

    public double Max { get; } = max;

    public bool AboveMin { get; } = aboveMin;

    public bool Accepts(double value) => double.IsFinite(value) && (AboveMin ? value > Min : value >= Min) && value <= Max;

    public string Bounds => AboveMin
        ? string.Create(CultureInfo.InvariantCulture, $"a number greater than {Min} and at most {Max}")
        : string.Create(CultureInfo.InvariantCulture, $"a number from {Min} to {Max}");
}

/// <summary>A whole number within bounds; unset means <see cref="DefaultValue"/> (null: not set at all).</summary>
public sealed class WholeNumberVariable(string name, Concern concern, int? defaultValue, int min, int max, string rule, string? defaultText = null)
    : Variable(name, concern, defaultText ?? defaultValue?.ToString(CultureInfo.InvariantCulture) ?? "none", rule)
{
    public int? DefaultValue { get; } = defaultValue;

    public int Min { get; } = min;

    public int Max { get; } = max;

    public string Bounds => string.Create(CultureInfo.InvariantCulture, $"a whole number from {Min} to {Max}");
}

/// <summary>
/// Every variable the service reads: the one declaration. To add one, declare it here (and add it to
/// <see cref="All"/>), read it in its concern's options type, and document it in the README's table and in
/// env.example, which a test compares with this list (docs/configuration.md). The one kind of variable not declared
/// here is the operator's own: a routes file names the variable holding each route's key (<c>apiKeyEnv</c>), and
/// <see cref="SettingsReader.OperatorVariable"/> reads it.
/// </summary>
public static class Variables
{
    public static readonly TextVariable Provider = new(
        "LLM_PROVIDER", Concern.Provider,
        "`openai` when `LLM_BASE_URL` or `LLM_API_KEY` is set, else `echo`",
        "a registered adapter: `echo`, `openai`, `anthropic`");

    public static readonly TextVariable BaseUrl = new(
        "LLM_BASE_URL", Concern.Provider,
        "`https://api.openai.com/v1`",
        "http(s) URL without query; user information in it (`user:pass@`) is shown as `***@` in the log and in error lines");

    public static readonly TextVariable Model = new("LLM_MODEL", Concern.Provider, "`gpt-4o-mini`", "not empty");

    public static readonly TextVariable ApiKey = new(
        "LLM_API_KEY", Concern.Provider,
        "none",
        "secret; logged as its last 4 characters only; env.example's placeholder `sk-your-openai-api-key` is refused");

    public static readonly TextVariable SystemPrompt = new(
        "LLM_SYSTEM_PROMPT", Concern.Provider, "none", "at most 4096 characters; empty means none");

    public static readonly NumberVariable Temperature = new(
        "LLM_TEMPERATURE", Concern.Provider, 0.7, 0, 2, "0.0..2.0; the default of requests that send none");

    public static readonly WholeNumberVariable MaxTokens = new(
        "LLM_MAX_TOKENS", Concern.Provider, null, 1, 100_000,
        "1..100000; the default of requests that send none", "none (not sent)");

    public static readonly NumberVariable RequestTimeout = new(
        "REQUEST_TIMEOUT", Concern.Provider, 30, 0, 300, "seconds per attempt, > 0 and ≤ 300", aboveMin: true);

    public static readonly WholeNumberVariable MaxAttempts = new(
        "LLM_MAX_ATTEMPTS", Concern.Provider, 3, 1, 10, "attempts in all, 1..10 (1 = no retry)");

    public static readonly NumberVariable RetryBaseDelay = new(
        "LLM_RETRY_BASE_DELAY", Concern.Provider, 1, 0, 300, "seconds, 0..300: the first wait; each next one doubles");

    public static readonly NumberVariable RetryMaxDelay = new(
        "LLM_RETRY_MAX_DELAY", Concern.Provider, 8, 0, 300,
        "seconds, 0..300, not less than `LLM_RETRY_BASE_DELAY`: the longest wait, a provider's `Retry-After` included");

    public static readonly WholeNumberVariable MaxResponseKilobytes = new(
        "LLM_MAX_RESPONSE_KB", Concern.Provider, 4096, 1, 1024 * 1024,
        "KiB, 1..1048576: the most a provider's answer, or one event of its stream, may weigh; past it the answer is a 502 and is not retried");

    public static readonly TextVariable RoutesFile = new(
        "LLM_ROUTES_FILE", Concern.Provider, "none (one route: the variables above)",
        "a JSON file of routes, several providers served by model (docs/configuration.md, Routes); read at start; with it `LLM_PROVIDER`, `LLM_BASE_URL`, `LLM_MODEL` and `LLM_API_KEY` must be unset, and the other `LLM_*` variables and `REQUEST_TIMEOUT` are every route's defaults");

    public static readonly WholeNumberVariable BreakerFailures = new(
        "LLM_BREAKER_FAILURES", Concern.Provider, 5, 1, 1000,
        "1..1000 consecutive failures that open a route's circuit breaker; each instance counts its own");

    public static readonly NumberVariable BreakerSeconds = new(
        "LLM_BREAKER_SECONDS", Concern.Provider, 30, 0, 3600,
        "seconds, > 0 and ≤ 3600, that an open breaker stays open; a route's `breakSeconds` overrides it", aboveMin: true);

    public static readonly WholeNumberVariable ChatMaxBodyKilobytes = new(
        "CHAT_MAX_BODY_KB", Concern.Host, 8192, 64, 1024 * 1024,
        "KiB, 64..1048576: the most a `/v1/chat/completions` body may weigh (images come inline as base64); past it 413. `/question` keeps 64 KiB");

    public static readonly TextVariable Urls = new(
        "ASPNETCORE_URLS", Concern.Host, "`http://localhost:8000`", "where to listen (ASP.NET Core's own; `--urls` too)");

    public static readonly TextVariable DotEnvFile = new(
        "DOTENV_FILE", Concern.Host, "`.env` in the working directory, else in its nearest parent",
        "a file to read instead, or `none` to read none; read from the environment only");

    public static readonly FlagVariable PerformanceHeaders = new(
        "PERFORMANCE_HEADERS", Concern.Host, true, "true/false: `X-Process-Time`, `X-Memory-Used`, `X-Memory-Delta` on every response");

    public static readonly FlagVariable RequestLogging = new(
        "REQUEST_LOGGING", Concern.Host, true, "true/false: one log line per request");

    public static readonly FlagVariable Metrics = new(
        "METRICS_ENABLED", Concern.Host, true, "true/false: OpenTelemetry meters and `GET /metrics`");

    public static readonly NumberVariable ShutdownTimeout = new(
        "SHUTDOWN_TIMEOUT", Concern.Host, 30, 0, 3600,
        "seconds in-flight requests may take to finish after SIGTERM, 0..3600; streams still open are cut a little before (a fifth of it, at most 1 s) with a 503 error event");

    public static readonly TextVariable RedisUrl = new(
        "REDIS_URL", Concern.Redis, "none",
        "`redis://[user:password@]host:port[/db]` (`rediss://` for TLS) or a StackExchange.Redis configuration string; when set, the answer cache and the rate-limit counters live in Redis, shared by every instance; the password is never logged");

    public static readonly WholeNumberVariable CacheTtlSeconds = new(
        "CACHE_TTL_SECONDS", Concern.Cache, 0, 0, 30 * 24 * 3600,
        "whole seconds, 0..2592000; identical questions (provider, base URL, model, system prompt, temperature, max tokens, text) within it are answered from the cache, with `X-Cache: HIT` or `MISS`",
        "0 (off)");

    public static readonly WholeNumberVariable CacheMemoryMegabytes = new(
        "CACHE_MEMORY_MB", Concern.Cache, 64, 1, 65_536,
        "1..65536: how much of each instance's memory cached answers may take; past it new answers are not kept in memory (Redis, when set, still has them)");

    public static readonly TextVariable ApiKeys = new(
        "API_KEYS", Concern.ClientKeys, "none (open)",
        "comma-separated client keys, 16..256 printable characters without spaces; when set, every endpoint but `/health`, `/health/ready`, `/`, `/docs`, `/redoc`, `/openapi.json` needs `Authorization: Bearer <key>` or `X-API-Key: <key>`; keys are never logged");

    public static readonly TextVariable ApiKeysFile = new(
        "API_KEYS_FILE", Concern.ClientKeys, "none",
        "a file with one key per line (blank lines and `#` comments ignored), merged with `API_KEYS`; read at start");

    public static readonly WholeNumberVariable RateLimitPerMinute = new(
        "RATE_LIMIT_PER_MINUTE", Concern.RateLimit, 0, 0, 1_000_000,
        "0..1000000 requests per minute per client (its valid API key, else its IP address); past it 429 with `Retry-After`",
        "0 (off)");

    /// <summary>The declaration, in the order the README and <c>--help</c> list it.</summary>
    public static IReadOnlyList<Variable> All { get; } =
    [
        Provider, BaseUrl, Model, ApiKey, SystemPrompt, Temperature, MaxTokens, RequestTimeout, MaxAttempts,
        RetryBaseDelay, RetryMaxDelay, MaxResponseKilobytes, RoutesFile, BreakerFailures, BreakerSeconds,
        Urls, ChatMaxBodyKilobytes, DotEnvFile, PerformanceHeaders, RequestLogging, Metrics, ShutdownTimeout,
        RedisUrl, CacheTtlSeconds, CacheMemoryMegabytes, ApiKeys, ApiKeysFile, RateLimitPerMinute,
    ];
}
