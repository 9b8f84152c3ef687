using System.Text.Json;
using Chatbot.Domain.Chat;
using ToolChoice = Chatbot.Domain.Chat.ToolChoice;

namespace Chatbot.Api.Contracts;

/// <summary>
/// OpenAI's wire format onto the domain's chat model and back. The request has passed
/// <see cref="Validation.OpenAiChatRequestValidator"/>: its shapes are known here.
/// </summary>
public static class OpenAiChatMapping
{
    /// <summary>The content part types the service carries (those Betalgo's <c>MessageContent</c> models).</summary>
    public static readonly IReadOnlySet<string> PartTypes = new HashSet<string>(StringComparer.Ordinal) { "text", "image_url", "file" };

    public static ChatCompletionRequest ToDomain(OpenAiChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ChatCompletionRequest([.. request.Messages!.Select(m => ToDomain(m!))], request.Model ?? string.Empty)
        {
            Temperature = request.Temperature,
            TopP = request.TopP,
            N = request.N,
            Stop = request.Stop.ValueKind switch
            {
                JsonValueKind.String => [request.Stop.GetString()!],
                JsonValueKind.Array => [.. request.Stop.EnumerateArray().Select(s => s.GetString()!)],
                _ => null,
            },
            Seed = request.Seed,
            PresencePenalty = request.PresencePenalty,
            FrequencyPenalty = request.FrequencyPenalty,
            LogitBias = request.LogitBias,
            Logprobs = request.Logprobs,
            TopLogprobs = request.TopLogprobs,
            User = request.User,
            ReasoningEffort = request.ReasoningEffort,
            ServiceTier = request.ServiceTier,
            Store = request.Store,
            Metadata = request.Metadata,
            MaxTokens = request.MaxTokens,
            MaxCompletionTokens = request.MaxCompletionTokens,
            Tools = request.Tools?.Select(t => new ChatTool(
                t!.Function!.Name!, t.Function.Description, Present(t.Function.Parameters), t.Function.Strict)).ToList(),
            ToolChoice = request.ToolChoice.ValueKind switch
            {
                JsonValueKind.String => new ToolChoice(request.ToolChoice.GetString()!),
                JsonValueKind.Object => ToolChoice.ForFunction(request.ToolChoice.GetProperty("function").GetProperty("name").GetString()!),
                _ => null,
            },
            ParallelToolCalls = request.ParallelToolCalls,
            ResponseFormat = request.ResponseFormat is { } format
                ? new ResponseFormat(format.Type!)
                {
                    SchemaName = format.JsonSchema?.Name,
                    SchemaDescription = format.JsonSchema?.Description,
                    Schema = format.JsonSchema is { } schema ? Present(schema.Schema) : null,
                    Strict = format.JsonSchema?.Strict,
                }
                : null,
            IncludeUsage = request.StreamOptions?.IncludeUsage == true,
        };
    }

    private static ChatMessage ToDomain(OpenAiChatMessage message) =>
        new(OpenAiRoles.ToDomain[message.Role!], message.Content.ValueKind == JsonValueKind.String ? message.Content.GetString() : null)
        {
            Parts = message.Content.ValueKind == JsonValueKind.Array ? [.. message.Content.EnumerateArray().Select(ToPart)] : null,
            Name = message.Name,
            ToolCalls = message.ToolCalls?.Select(c => new ToolCall(c!.Id!, c.Function!.Name!, c.Function.Arguments ?? string.Empty)).ToList(),
            ToolCallId = message.ToolCallId,
            Refusal = message.Refusal,
        };

    private static ChatContentPart ToPart(JsonElement part) => part.GetProperty("type").GetString() switch
    {
        "text" => new TextPart(part.GetProperty("text").GetString()!),
        "image_url" => new ImagePart(
            part.GetProperty("image_url").GetProperty("url").GetString()!,
            part.GetProperty("image_url").TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString() : null),
        _ => new FilePart(
            StringAt(part.GetProperty("file"), "file_id"), StringAt(part.GetProperty("file"), "file_data"), StringAt(part.GetProperty("file"), "filename")),
    };

    private static string? StringAt(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement? Present(JsonElement element) =>
        element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : element;

    /// <summary>The domain's answer in OpenAI's shape; the provider's id and time when it gave them, else the service's.</summary>
    /// <summary>
    /// An id in OpenAI's shape for an answer whose provider gave none: 128 random bits from <see cref="Random.Shared"/>
    /// (an id names an answer, it guards nothing, so it needs no cryptographic generator and no system call).
    /// </summary>
    public static string NewCompletionId()
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return "chatcmpl-" + Convert.ToHexStringLower(bits);
    }

    /// <param name="completion">The provider's answer; its id, else a new one (<see cref="NewCompletionId"/>).</param>
    /// <param name="created">When the provider gave no time of its own.</param>
    public static OpenAiChatCompletion ToWire(ChatCompletion completion, long created)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var usage = completion.Usage ?? new TokenUsage(0, 0);
        return new OpenAiChatCompletion(
            completion.Id ?? NewCompletionId(), "chat.completion", completion.Created ?? created, completion.Model,
            [.. completion.Choices.Select(c => new OpenAiChoice(c.Index, ToWire(c.Message), c.FinishReason) { Logprobs = ToWire(c.Logprobs) })],
            ToWire(usage))
        {
            SystemFingerprint = completion.SystemFingerprint,
            ServiceTier = completion.ServiceTier,
        };
    }

    private static OpenAiAnswerMessage ToWire(ChatMessage message) => new("assistant", message.Text)
    {
        Refusal = message.Refusal,
        ToolCalls = message.ToolCalls?.Select(c => new OpenAiToolCall
        {
            Id = c.Id,
            Type = c.Type,
            Function = new OpenAiFunctionCall { Name = c.Name, Arguments = c.Arguments },
        }).ToList(),
    };

    public static OpenAiUsage ToWire(TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new OpenAiUsage(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens)
        {
            PromptTokensDetails = usage.CachedTokens is { } cached ? new OpenAiPromptTokensDetails(cached) : null,
            CompletionTokensDetails = usage.ReasoningTokens is { } reasoning ? new OpenAiCompletionTokensDetails(reasoning) : null,
        };
    }

    private static OpenAiLogprobs? ToWire(ChatLogprobs? logprobs) =>
        logprobs is null ? null : new OpenAiLogprobs(ToWire(logprobs.Content)) { Refusal = ToWire(logprobs.Refusal) };

    private static List<OpenAiTokenLogprob>? ToWire(IReadOnlyList<TokenLogprob>? tokens) =>
        tokens?.Select(t => new OpenAiTokenLogprob(t.Token, t.Logprob, t.Bytes) { TopLogprobs = ToWire(t.TopLogprobs) }).ToList();

    /// <summary>One piece of a stream in OpenAI's shape, under the stream's one id, time and model.</summary>
    public static OpenAiChatChunk ToWire(ChatCompletionUpdate update, string id, long created, string model, bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(update);
        return new OpenAiChatChunk(id, "chat.completion.chunk", created, model, [.. update.Choices.Select(ToWire)])
        {
            SystemFingerprint = update.SystemFingerprint,
            ServiceTier = update.ServiceTier,
            Usage = includeUsage && update.Usage is { } usage ? ToWire(usage) : null,
        };
    }

    private static OpenAiChunkChoice ToWire(ChatChoiceUpdate choice) =>
        new(choice.Index, new OpenAiDelta(choice.Role?.Value, choice.Content)
        {
            Refusal = choice.Refusal,
            ToolCalls = choice.ToolCalls?.Select(c => new OpenAiToolCallDelta(c.Index)
            {
                Id = c.Id,
                Type = c.Type,
                Function = c.Name is null && c.Arguments is null ? null : new OpenAiFunctionCallDelta { Name = c.Name, Arguments = c.Arguments },
            }).ToList(),
        }, choice.FinishReason)
        {
            Logprobs = ToWire(choice.Logprobs),
        };
}
