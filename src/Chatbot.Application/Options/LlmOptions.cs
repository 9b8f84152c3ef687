namespace Chatbot.Application.Options;

/// <summary>How this service talks to its LLM provider. Read from LLM_* environment variables.</summary>
public sealed class LlmOptions
{
    public const string DefaultBaseUrl = "https://api.openai.com/v1";
    public const string DefaultModel = "gpt-4o-mini";

    /// <summary>Name of the registered provider adapter (<c>openai</c>, <c>echo</c>, ...).</summary>
    public string Provider { get; set; } = "echo";

    /// <summary>Where the provider is asked, credentials included: log or show <see cref="RedactedBaseUrl"/>.</summary>
    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    public string Model { get; set; } = DefaultModel;

    public string? ApiKey { get; set; }

    /// <summary>Sent as the first message when set; null means none.</summary>
    public string? SystemPrompt { get; set; }

    public double Temperature { get; set; } = 0.7;

    /// <summary>Not sent when null.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Per attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts in all, the first one included.</summary>
    public int MaxAttempts { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The most a provider's answer (or one event of its stream) may weigh; past it the answer is unusable.</summary>
    public long MaxResponseBytes { get; set; } = DefaultMaxResponseKilobytes * 1024L;

    public const int DefaultMaxResponseKilobytes = 4096;

    /// <summary>A copy to derive another route's options from (every property is a value or immutable).</summary>
    public LlmOptions Clone() => (LlmOptions)MemberwiseClone();

    /// <summary>Sets every property of <paramref name="target"/> to this one's.</summary>
    public void CopyTo(LlmOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Provider = Provider;
        target.BaseUrl = BaseUrl;
        target.Model = Model;
        target.ApiKey = ApiKey;
        target.SystemPrompt = SystemPrompt;
        target.Temperature = Temperature;
        target.MaxTokens = MaxTokens;
        target.RequestTimeout = RequestTimeout;
        target.MaxAttempts = MaxAttempts;
        target.RetryBaseDelay = RetryBaseDelay;
        target.RetryMaxDelay = RetryMaxDelay;
        target.MaxResponseBytes = MaxResponseBytes;
    }

    /// <summary>The base URL as it may appear in logs: without its user information.</summary>
    public string RedactedBaseUrl => UrlCredentials.Redact(BaseUrl);

    /// <summary>The key as it may appear in logs: its last four characters only.</summary>
    public string MaskedApiKey => ApiKey switch
    {
        null or "" => "(none)",
        { Length: <= 4 } => "****",
        var key => "****" + key[^4..],
    };
}
