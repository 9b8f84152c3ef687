namespace Chatbot.Domain.Chat;

/// <summary>Tokens the provider counted for one completion, with the details it gave.</summary>
public sealed record TokenUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens { get; init; } = PromptTokens + CompletionTokens;

    /// <summary>Prompt tokens the provider read from its cache.</summary>
    public int? CachedTokens { get; init; }

    /// <summary>Completion tokens spent on reasoning.</summary>
    public int? ReasoningTokens { get; init; }
}

/// <summary>The likelihood of one token of an answer, with the likeliest alternatives when asked for.</summary>
public sealed record TokenLogprob(string Token, double Logprob, IReadOnlyList<int>? Bytes)
{
    public IReadOnlyList<TokenLogprob>? TopLogprobs { get; init; }
}

/// <summary>The logprobs of a choice's content (and of its refusal).</summary>
public sealed record ChatLogprobs(IReadOnlyList<TokenLogprob>? Content)
{
    public IReadOnlyList<TokenLogprob>? Refusal { get; init; }
}

/// <summary>One answer of a completion; <paramref name="FinishReason"/> is the provider's own (stop, length, tool_calls, ...).</summary>
public sealed record ChatChoice(int Index, ChatMessage Message, string? FinishReason)
{
    public ChatLogprobs? Logprobs { get; init; }
}

/// <summary>A model's answer: every choice, as the provider gave it, with its id, model and fingerprint.</summary>
public sealed record ChatCompletion(IReadOnlyList<ChatChoice> Choices, string Model, TokenUsage? Usage)
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string ToolCalls = "tool_calls";

    /// <summary>The provider's id of the completion, when it gave one.</summary>
    public string? Id { get; init; }

    /// <summary>When the provider made it (Unix seconds), when it said.</summary>
    public long? Created { get; init; }

    public string? SystemFingerprint { get; init; }

    public string? ServiceTier { get; init; }

    /// <summary>The route (the model name clients use) that served it; set by the service, not by the provider.</summary>
    public string? Route { get; init; }

    /// <summary>The first choice's text: the answer to a question.</summary>
    public string? Text => Choices.Count > 0 ? Choices[0].Message.Text : null;

    /// <summary>The first choice's finish reason.</summary>
    public string? FinishReason => Choices.Count > 0 ? Choices[0].FinishReason : null;

    /// <summary>A completion of one choice with an assistant's text.</summary>
    public static ChatCompletion OfText(string text, string model, TokenUsage? usage, string finishReason = Stop) =>
        new([new ChatChoice(0, ChatMessage.Assistant(text), finishReason)], model, usage);
}
