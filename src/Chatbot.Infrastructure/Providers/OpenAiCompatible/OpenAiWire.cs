using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

// OpenAI's chat-completion wire format, the part this adapter sends and reads, serialised by source-generated
// code (OpenAiWireJson). ADR 0004 says why these few records replace an SDK's models on the hot path.

/// <summary>The body of <c>POST {base}/chat/completions</c>.</summary>
internal sealed record WireChatRequest(
    string Model,
    WireMessage[] Messages,
    double Temperature,
    [property: JsonPropertyName("max_tokens")] int? MaxTokens,
    bool? Stream);

internal sealed record WireMessage(string Role, string? Content);

/// <summary>A completion, or one streamed chunk of it (<c>delta</c> instead of <c>message</c>).</summary>
internal sealed record WireChatResponse(
    string? Model,
    WireChoice[]? Choices,
    WireUsage? Usage,
    // Whatever shape a provider gives its error (object, string, number), it is an error: kept unparsed.
    JsonElement? Error);

internal sealed record WireChoice(WireMessage? Message, WireMessage? Delta);

internal sealed record WireUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int? CompletionTokens);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(WireChatRequest))]
[JsonSerializable(typeof(WireChatResponse))]
internal sealed partial class OpenAiWireJson : JsonSerializerContext;
