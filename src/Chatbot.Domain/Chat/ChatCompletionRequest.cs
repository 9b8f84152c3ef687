namespace Chatbot.Domain.Chat;

/// <summary>
/// What is asked of a model: the conversation, the tools it may call, the answer's format and the sampling settings.
/// A setting left null is the provider's default.
/// </summary>
public sealed record ChatCompletionRequest(IReadOnlyList<ChatMessage> Messages, string Model)
{
    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    /// <summary>How many answers (choices) to produce.</summary>
    public int? N { get; init; }

    /// <summary>Up to four sequences at which the model stops.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    public long? Seed { get; init; }

    public double? PresencePenalty { get; init; }

    public double? FrequencyPenalty { get; init; }

    /// <summary>Token id → bias (-100..100).</summary>
    public IReadOnlyDictionary<string, int>? LogitBias { get; init; }

    public bool? Logprobs { get; init; }

    public int? TopLogprobs { get; init; }

    /// <summary>The end user, for the provider's abuse monitoring.</summary>
    public string? User { get; init; }

    public string? ReasoningEffort { get; init; }

    public string? ServiceTier { get; init; }

    public bool? Store { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The older limit on the answer's tokens; reasoning models refuse it.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>The newer limit, counting reasoning tokens too; kept apart from <see cref="MaxTokens"/>.</summary>
    public int? MaxCompletionTokens { get; init; }

    public IReadOnlyList<ChatTool>? Tools { get; init; }

    public ToolChoice? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>A streamed answer ends with a chunk of usage only (asked of the provider).</summary>
    public bool IncludeUsage { get; init; }
}
