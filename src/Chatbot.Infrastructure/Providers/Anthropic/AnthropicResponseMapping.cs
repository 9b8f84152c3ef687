using Anthropic.Models.Messages;
using Chatbot.Domain.Chat;

namespace Chatbot.Infrastructure.Providers.Anthropic;

/// <summary>Anthropic's answer (the SDK's <see cref="Message"/>) in the Domain's terms.</summary>
public static class AnthropicResponseMapping
{
    /// <summary>
    /// One choice: the text blocks joined as its content (null when there are none: tool calls are an answer too), the
    /// <c>tool_use</c> blocks as tool calls with their input as the arguments' JSON, the stop reason as a finish reason.
    /// </summary>
    public static ChatCompletion ToDomain(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string? text = null;
        List<ToolCall>? calls = null;
        foreach (var block in message.Content)
        {
            if (block.TryPickText(out var textBlock))
            {
                text = string.Concat(text, textBlock.Text);
            }
            else if (block.TryPickToolUse(out var toolUse))
            {
                (calls ??= []).Add(new ToolCall(toolUse.ID, toolUse.Name, InputJson(toolUse.RawData)));
            }
        }

        var answer = new ChatMessage(ChatRole.Assistant, text) { ToolCalls = calls };
        var usage = message.Usage;
        return new ChatCompletion(
            [new ChatChoice(0, answer, FinishReason(message.StopReason?.Raw()))],
            message.Model.Raw(),
            Usage(usage.InputTokens, usage.CacheReadInputTokens, usage.CacheCreationInputTokens, usage.OutputTokens))
        {
            Id = message.ID,
        };
    }

    /// <summary>
    /// Anthropic's stop reason as OpenAI's finish reason: <c>end_turn</c> and <c>stop_sequence</c> are <c>stop</c>,
    /// <c>max_tokens</c> and <c>model_context_window_exceeded</c> <c>length</c>, <c>tool_use</c> <c>tool_calls</c>,
    /// <c>refusal</c> <c>content_filter</c>; any other (<c>pause_turn</c>, a new one) is passed as Anthropic said it.
    /// </summary>
    public static string? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" or "stop_sequence" => ChatCompletion.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatCompletion.Length,
        "tool_use" => ChatCompletion.ToolCalls,
        "refusal" => "content_filter",
        var other => other,
    };

    /// <summary>
    /// OpenAI's prompt tokens count every token read, cached or not; Anthropic's <c>input_tokens</c> leaves out those
    /// read from its cache and those written to it, so they are added back; the cache reads are the cached tokens.
    /// </summary>
    public static TokenUsage Usage(long inputTokens, long? cacheReadTokens, long? cacheCreationTokens, long outputTokens) =>
        new(checked((int)(inputTokens + (cacheReadTokens ?? 0) + (cacheCreationTokens ?? 0))), checked((int)outputTokens))
        {
            CachedTokens = cacheReadTokens is { } read ? checked((int)read) : null,
        };

    /// <summary>A tool call's input as JSON, as Anthropic wrote it (the SDK's dictionary would not keep its order).</summary>
    internal static string InputJson(IReadOnlyDictionary<string, System.Text.Json.JsonElement> block) =>
        block.TryGetValue("input", out var input) ? input.GetRawText() : "{}";
}
