using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chatbot.Api.Contracts;

/// <summary>
/// OpenAI's chat completion request. Every field here reaches the provider with the client's value; a field not
/// here is refused with 400 ("Unrecognized request argument supplied"), never dropped.
/// </summary>
public sealed record OpenAiChatRequest
{
    /// <summary>The model; must be the one this service serves (see GET /v1/models), or omitted.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>The conversation, oldest first.</summary>
    [JsonPropertyName("messages")]
    public IReadOnlyList<OpenAiChatMessage?>? Messages { get; init; }

    /// <summary>0..2; the service's LLM_TEMPERATURE when omitted.</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get; init; }

    /// <summary>0..1: nucleus sampling.</summary>
    [JsonPropertyName("top_p")]
    public double? TopP { get; init; }

    /// <summary>1..8: how many choices to generate.</summary>
    [JsonPropertyName("n")]
    public int? N { get; init; }

    /// <summary>A string or an array of up to 4 strings at which the model stops.</summary>
    [JsonPropertyName("stop")]
    [JsonConverter(typeof(Utf8CheckedJsonElementConverter))]
    public JsonElement Stop { get; init; }

    /// <summary>For deterministic sampling where the provider supports it.</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

    /// <summary>-2..2.</summary>
    [JsonPropertyName("presence_penalty")]
    public double? PresencePenalty { get; init; }

    /// <summary>-2..2.</summary>
    [JsonPropertyName("frequency_penalty")]
    public double? FrequencyPenalty { get; init; }

    /// <summary>Token id → bias, -100..100.</summary>
    [JsonPropertyName("logit_bias")]
    public Dictionary<string, int>? LogitBias { get; init; }

    /// <summary>Return the log probabilities of the answer's tokens.</summary>
    [JsonPropertyName("logprobs")]
    public bool? Logprobs { get; init; }

    /// <summary>0..20 likeliest alternatives per token; needs <c>logprobs: true</c>.</summary>
    [JsonPropertyName("top_logprobs")]
    public int? TopLogprobs { get; init; }

    /// <summary>The end user, for the provider's abuse monitoring.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>For reasoning models: minimal, low, medium, high (as the provider names them).</summary>
    [JsonPropertyName("reasoning_effort")]
    public string? ReasoningEffort { get; init; }

    [JsonPropertyName("service_tier")]
    public string? ServiceTier { get; init; }

    [JsonPropertyName("store")]
    public bool? Store { get; init; }

    /// <summary>Up to 16 string pairs stored with the completion by the provider.</summary>
    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; init; }

    /// <summary>1..100000; the service's LLM_MAX_TOKENS when neither limit is given. Reasoning models refuse it.</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    /// <summary>1..100000; OpenAI's newer limit, sent as it is (not rewritten to max_tokens).</summary>
    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; init; }

    /// <summary>Functions the model may call.</summary>
    [JsonPropertyName("tools")]
    public IReadOnlyList<OpenAiTool?>? Tools { get; init; }

    /// <summary><c>none</c>, <c>auto</c>, <c>required</c>, or <c>{"type":"function","function":{"name":...}}</c>.</summary>
    [JsonPropertyName("tool_choice")]
    [JsonConverter(typeof(Utf8CheckedJsonElementConverter))]
    public JsonElement ToolChoice { get; init; }

    [JsonPropertyName("parallel_tool_calls")]
    public bool? ParallelToolCalls { get; init; }

    /// <summary><c>text</c>, <c>json_object</c>, or <c>json_schema</c> with a name and a schema.</summary>
    [JsonPropertyName("response_format")]
    public OpenAiResponseFormat? ResponseFormat { get; init; }

    /// <summary>Answer as server-sent <c>chat.completion.chunk</c> events.</summary>
    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }

    /// <summary>With <c>include_usage</c>, a streamed answer ends with a chunk of usage only.</summary>
    [JsonPropertyName("stream_options")]
    public OpenAiStreamOptions? StreamOptions { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>
/// One message. <c>content</c> is a string, an array of parts (<c>text</c>, <c>image_url</c>, <c>file</c>), or null on
/// an assistant's message with <c>tool_calls</c> or a <c>refusal</c>.
/// </summary>
public sealed record OpenAiChatMessage
{
    /// <summary>system, developer, user, assistant or tool.</summary>
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("content")]
    [JsonConverter(typeof(Utf8CheckedJsonElementConverter))]
    public JsonElement Content { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>An assistant's calls of tools.</summary>
    [JsonPropertyName("tool_calls")]
    public IReadOnlyList<OpenAiToolCall?>? ToolCalls { get; init; }

    /// <summary>On a tool message: the id of the call it answers.</summary>
    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; init; }

    /// <summary>An assistant's refusal, instead of content.</summary>
    [JsonPropertyName("refusal")]
    public string? Refusal { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>A call of a function, in a request's assistant message or an answer.</summary>
public sealed record OpenAiToolCall
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>Always <c>function</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("function")]
    public OpenAiFunctionCall? Function { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed record OpenAiFunctionCall
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The arguments as a JSON text.</summary>
    [JsonPropertyName("arguments")]
    public string? Arguments { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>A tool the model may call; only <c>function</c> tools.</summary>
public sealed record OpenAiTool
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("function")]
    public OpenAiFunction? Function { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

public sealed record OpenAiFunction
{
    /// <summary>a-z, A-Z, 0-9, _ and -, at most 64.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The arguments' JSON schema, passed to the provider as it was written.</summary>
    [JsonPropertyName("parameters")]
    [JsonConverter(typeof(Utf8CheckedJsonElementConverter))]
    public JsonElement Parameters { get; init; }

    [JsonPropertyName("strict")]
    public bool? Strict { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

public sealed record OpenAiResponseFormat
{
    /// <summary>text, json_object or json_schema.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("json_schema")]
    public OpenAiJsonSchema? JsonSchema { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

public sealed record OpenAiJsonSchema
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>A JSON schema object, passed to the provider as it was written.</summary>
    [JsonPropertyName("schema")]
    [JsonConverter(typeof(Utf8CheckedJsonElementConverter))]
    public JsonElement Schema { get; init; }

    [JsonPropertyName("strict")]
    public bool? Strict { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

public sealed record OpenAiStreamOptions
{
    [JsonPropertyName("include_usage")]
    public bool? IncludeUsage { get; init; }

    /// <summary>Fields this service does not know; refused by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>OpenAI's chat completion: the provider's choices, id, model and fingerprint as it gave them.</summary>
public sealed record OpenAiChatCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<OpenAiChoice> Choices,
    [property: JsonPropertyName("usage")] OpenAiUsage Usage)
{
    [JsonPropertyName("system_fingerprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SystemFingerprint { get; init; }

    [JsonPropertyName("service_tier")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ServiceTier { get; init; }
}

/// <param name="FinishReason">The provider's own: stop, length, tool_calls, content_filter.</param>
public sealed record OpenAiChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] OpenAiAnswerMessage Message,
    [property: JsonPropertyName("finish_reason")] string? FinishReason)
{
    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiLogprobs? Logprobs { get; init; }
}

/// <summary>An answer's message; <c>content</c> is null when the model called tools or refused.</summary>
public sealed record OpenAiAnswerMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string? Content)
{
    [JsonPropertyName("refusal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Refusal { get; init; }

    [JsonPropertyName("tool_calls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OpenAiToolCall>? ToolCalls { get; init; }
}

public sealed record OpenAiLogprobs(
    [property: JsonPropertyName("content")] IReadOnlyList<OpenAiTokenLogprob>? Content)
{
    [JsonPropertyName("refusal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OpenAiTokenLogprob>? Refusal { get; init; }
}

public sealed record OpenAiTokenLogprob(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("logprob")] double Logprob,
    [property: JsonPropertyName("bytes")] IReadOnlyList<int>? Bytes)
{
    [JsonPropertyName("top_logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OpenAiTokenLogprob>? TopLogprobs { get; init; }
}

public sealed record OpenAiUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens)
{
    [JsonPropertyName("prompt_tokens_details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiPromptTokensDetails? PromptTokensDetails { get; init; }

    [JsonPropertyName("completion_tokens_details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiCompletionTokensDetails? CompletionTokensDetails { get; init; }
}

public sealed record OpenAiPromptTokensDetails([property: JsonPropertyName("cached_tokens")] int CachedTokens);

public sealed record OpenAiCompletionTokensDetails([property: JsonPropertyName("reasoning_tokens")] int ReasoningTokens);

/// <summary>One event of a streamed chat completion. One id and one <c>created</c> serve the whole stream.</summary>
public sealed record OpenAiChatChunk(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<OpenAiChunkChoice> Choices)
{
    [JsonPropertyName("system_fingerprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SystemFingerprint { get; init; }

    [JsonPropertyName("service_tier")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ServiceTier { get; init; }

    /// <summary>Only on the last chunk, with <c>stream_options.include_usage</c>; its <c>choices</c> is empty.</summary>
    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiUsage? Usage { get; init; }
}

public sealed record OpenAiChunkChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] OpenAiDelta Delta,
    [property: JsonPropertyName("finish_reason")] string? FinishReason)
{
    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiLogprobs? Logprobs { get; init; }
}

public sealed record OpenAiDelta(
    [property: JsonPropertyName("role"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonPropertyName("content"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content)
{
    [JsonPropertyName("refusal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Refusal { get; init; }

    /// <summary>Pieces of tool calls: the first of a call has its index, id, type and name; the rest add to its arguments.</summary>
    [JsonPropertyName("tool_calls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OpenAiToolCallDelta>? ToolCalls { get; init; }
}

public sealed record OpenAiToolCallDelta([property: JsonPropertyName("index")] int Index)
{
    [JsonPropertyName("id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; init; }

    [JsonPropertyName("function")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiFunctionCallDelta? Function { get; init; }
}

public sealed record OpenAiFunctionCallDelta
{
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [JsonPropertyName("arguments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Arguments { get; init; }
}

/// <summary>OpenAI's model list.</summary>
public sealed record OpenAiModelList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<OpenAiModel> Data);

public sealed record OpenAiModel(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiErrorResponse([property: JsonPropertyName("error")] OpenAiError Error);

public sealed record OpenAiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
