using Anthropic.Models.Messages;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;

namespace Chatbot.Infrastructure.Providers.Anthropic;

/// <summary>
/// Turns the events of one Messages stream into the Domain's pieces, as they come: <c>message_start</c> gives the id,
/// the model and the assistant's role; a <c>text_delta</c> is content; a <c>tool_use</c> block's start is a tool call's
/// first piece (id, name) and each <c>input_json_delta</c> a piece of its arguments, passed on at once; the stop reason
/// of <c>message_delta</c> is the finish reason; <c>message_stop</c> ends the answer, with the usage when it was asked
/// for. Tool calls are numbered in the order their blocks start, as OpenAI numbers them.
/// </summary>
public sealed class AnthropicStreamTranslator(bool includeUsage, Func<string?, string?> scrub)
{
    private readonly Dictionary<long, int> _toolCallOfBlock = [];
    private string? _id;
    private string? _model;
    private long _inputTokens;
    private long? _cacheReadTokens;
    private long? _cacheCreationTokens;
    private long _outputTokens;

    /// <summary>True once <c>message_stop</c> came: the answer is whole.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The piece an event stands for, or null for one that adds nothing (a block's end, an unknown event).</summary>
    public ChatCompletionUpdate? Next(RawMessageStreamEvent streamEvent)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        if (streamEvent.TryPickStart(out var start))
        {
            var message = start.Message;
            _id = message.ID;
            _model = message.Model.Raw();
            var usage = message.Usage;
            (_inputTokens, _cacheReadTokens, _cacheCreationTokens, _outputTokens) =
                (usage.InputTokens, usage.CacheReadInputTokens, usage.CacheCreationInputTokens, usage.OutputTokens);
            return Piece(new ChatChoiceUpdate(0) { Role = ChatRole.Assistant });
        }

        if (streamEvent.TryPickContentBlockStart(out var blockStart))
        {
            return BlockStarted(blockStart);
        }

        if (streamEvent.TryPickContentBlockDelta(out var blockDelta))
        {
            return BlockDelta(blockDelta);
        }

        if (streamEvent.TryPickDelta(out var messageDelta))
        {
            var usage = messageDelta.Usage;
            _outputTokens = usage.OutputTokens;
            _inputTokens = usage.InputTokens ?? _inputTokens;
            _cacheReadTokens = usage.CacheReadInputTokens ?? _cacheReadTokens;
            _cacheCreationTokens = usage.CacheCreationInputTokens ?? _cacheCreationTokens;
            return messageDelta.Delta.StopReason?.Raw() is { } stopReason
                ? Piece(new ChatChoiceUpdate(0) { FinishReason = AnthropicResponseMapping.FinishReason(stopReason) })
                : null;
        }

        if (streamEvent.TryPickStop(out _))
        {
            Stopped = true;
            return includeUsage
                ? new ChatCompletionUpdate([])
                {
                    Id = _id,
                    Model = _model,
                    Usage = AnthropicResponseMapping.Usage(_inputTokens, _cacheReadTokens, _cacheCreationTokens, _outputTokens),
                }
                : null;
        }

        // A content_block_stop adds nothing. An error without its event line (some proxies) is still an error; any other
        // event is one Anthropic may add and its documentation says to ignore.
        return streamEvent.TryPickContentBlockStop(out _) || !IsError(streamEvent.Json)
            ? null
            : throw AnthropicErrors.FromStreamError(streamEvent.Json, scrub);
    }

    private ChatCompletionUpdate? BlockStarted(RawContentBlockStartEvent blockStart)
    {
        var block = blockStart.ContentBlock;
        if (block.TryPickText(out var text))
        {
            return text.Text.Length > 0 ? Piece(new ChatChoiceUpdate(0) { Content = text.Text }) : null;
        }

        if (!block.TryPickToolUse(out var toolUse))
        {
            return null;
        }

        var index = _toolCallOfBlock.Count;
        _toolCallOfBlock[blockStart.Index] = index;

        // The input comes in input_json_delta pieces; a block that brings it whole (not empty) gives it here.
        var input = toolUse.RawData.TryGetValue("input", out var json) && json.ValueKind == System.Text.Json.JsonValueKind.Object
            && json.EnumerateObject().Any() ? json.GetRawText() : string.Empty;
        return Piece(new ChatChoiceUpdate(0)
        {
            ToolCalls = [new ToolCallUpdate(index) { Id = toolUse.ID, Type = ToolCall.FunctionType, Name = toolUse.Name, Arguments = input }],
        });
    }

    private ChatCompletionUpdate? BlockDelta(RawContentBlockDeltaEvent blockDelta)
    {
        var delta = blockDelta.Delta;
        if (delta.TryPickText(out var text))
        {
            return Piece(new ChatChoiceUpdate(0) { Content = text.Text });
        }

        if (delta.TryPickInputJson(out var inputJson))
        {
            if (!_toolCallOfBlock.TryGetValue(blockDelta.Index, out var index))
            {
                throw new ProviderInvalidResponseException("The provider streamed a tool call's input for a block that is not a tool call.");
            }

            return inputJson.PartialJson.Length == 0
                ? null
                : Piece(new ChatChoiceUpdate(0) { ToolCalls = [new ToolCallUpdate(index) { Arguments = inputJson.PartialJson }] });
        }

        // Thinking, signature and citation deltas belong to features this adapter does not ask for.
        return null;
    }

    private ChatCompletionUpdate Piece(ChatChoiceUpdate choice) => new([choice]) { Id = _id, Model = _model };

    private static bool IsError(System.Text.Json.JsonElement json) =>
        json.ValueKind == System.Text.Json.JsonValueKind.Object && json.TryGetProperty("type", out var type)
        && type.ValueKind == System.Text.Json.JsonValueKind.String && type.GetString() == "error";
}
