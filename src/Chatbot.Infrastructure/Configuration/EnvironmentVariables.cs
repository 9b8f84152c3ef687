namespace Chatbot.Infrastructure.Configuration;

/// <summary>The names of the variables this service reads (see env.example).</summary>
public static class EnvironmentVariables
{
    public const string Provider = "LLM_PROVIDER";
    public const string BaseUrl = "LLM_BASE_URL";
    public const string Model = "LLM_MODEL";
    public const string ApiKey = "LLM_API_KEY";
    public const string SystemPrompt = "LLM_SYSTEM_PROMPT";
    public const string Temperature = "LLM_TEMPERATURE";
    public const string MaxTokens = "LLM_MAX_TOKENS";
    public const string RequestTimeout = "REQUEST_TIMEOUT";
    public const string MaxAttempts = "LLM_MAX_ATTEMPTS";
    public const string RetryBaseDelay = "LLM_RETRY_BASE_DELAY";
    public const string RetryMaxDelay = "LLM_RETRY_MAX_DELAY";
    public const string MaxResponseKilobytes = "LLM_MAX_RESPONSE_KB";

    public static readonly IReadOnlyList<string> All =
    [
        Provider, BaseUrl, Model, ApiKey, SystemPrompt, Temperature, MaxTokens,
        RequestTimeout, MaxAttempts, RetryBaseDelay, RetryMaxDelay, MaxResponseKilobytes,
    ];
}
