namespace Chatbot.Domain.Chat;

/// <summary>What is asked of a model: the conversation and the sampling settings.</summary>
public sealed record ChatCompletionRequest(
    IReadOnlyList<ChatMessage> Messages,
    string Model,
    double Temperature,
    int? MaxTokens);

/// <summary>Tokens the provider counted for one completion.</summary>
public sealed record TokenUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>A model's answer; <paramref name="FinishReason"/> is the provider's own (stop, length, content_filter, ...).</summary>
public sealed record ChatCompletion(string Text, string Model, TokenUsage? Usage, string FinishReason = ChatCompletion.Stop)
{
    public const string Stop = "stop";
}
