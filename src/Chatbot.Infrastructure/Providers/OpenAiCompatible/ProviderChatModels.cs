using System.Text.Json;
using System.Text.Json.Serialization;
using Betalgo.Ranul.OpenAI.ObjectModels.RequestModels;
using Betalgo.Ranul.OpenAI.ObjectModels.ResponseModels;
using Betalgo.Ranul.OpenAI.ObjectModels.SharedModels;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

// Betalgo.Ranul.OpenAI's chat models, grown where they lack a field of OpenAI's wire format. The SDK serialises the
// runtime type of a request, so a subclass's added or hidden (new) properties go out with the SDK's own (ADR 0007).

/// <summary>
/// The SDK's request with what it cannot say: a 64-bit <c>seed</c>, any <c>reasoning_effort</c>, <c>metadata</c>,
/// messages with <c>refusal</c>, and a <c>response_format</c> whose schema is raw JSON, not the SDK's
/// <c>PropertyDefinition</c> (which drops <c>minLength</c>, <c>allOf</c>, <c>default</c>, non-string enums).
/// </summary>
internal sealed class ProviderChatRequest : ChatCompletionCreateRequest
{
    [JsonPropertyName("messages")]
    public new IList<ProviderChatMessage> Messages { get; set; } = [];

    [JsonPropertyName("seed")]
    public new long? Seed { get; set; }

    [JsonPropertyName("reasoning_effort")]
    public new string? ReasoningEffort { get; set; }

    [JsonPropertyName("response_format")]
    public new ProviderResponseFormat? ResponseFormat { get; set; }

    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string>? Metadata { get; set; }
}

/// <summary>The SDK's message with the <c>refusal</c> OpenAI added to assistant messages.</summary>
internal sealed class ProviderChatMessage : ChatMessage
{
    [JsonPropertyName("refusal")]
    public string? Refusal { get; set; }
}

internal sealed record ProviderResponseFormat(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("json_schema")] ProviderJsonSchema? JsonSchema);

internal sealed record ProviderJsonSchema(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("schema")] JsonElement? Schema,
    [property: JsonPropertyName("strict")] bool? Strict);

/// <summary>A function tool whose <c>parameters</c> schema is raw JSON; carried by the SDK's <c>ToolDefinition.FunctionsAsObject</c>.</summary>
internal sealed record ProviderFunction(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("parameters")] JsonElement? Parameters,
    [property: JsonPropertyName("strict")] bool? Strict);

/// <summary>
/// A streamed chunk read into the SDK's response model, with the <c>refusal</c> its message lacks. The streamed path
/// reads events itself (see <see cref="OpenAiCompatibleProvider.StreamAsync"/>), so it can read this subclass.
/// </summary>
internal sealed record ProviderChatChunk : ChatCompletionCreateResponse
{
    [JsonPropertyName("choices")]
    public new List<ProviderChunkChoice>? Choices { get; set; }
}

internal sealed record ProviderChunkChoice : ChatChoiceResponse
{
    [JsonPropertyName("delta")]
    public new ProviderChatMessage? Delta { get; set; }

    [JsonPropertyName("message")]
    public new ProviderChatMessage? Message { get; set; }

    [JsonPropertyName("logprobs")]
    public new ProviderLogprobs? LogProbs { get; set; }
}

/// <summary>The SDK's logprobs with the <c>refusal</c> list it lacks.</summary>
internal sealed record ProviderLogprobs : ChatChoiceResponse.ChatLogProbsResponse
{
    [JsonPropertyName("refusal")]
    public List<ChatChoiceResponse.ContentItem>? Refusal { get; set; }
}
