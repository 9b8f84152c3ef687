using System.Globalization;
using System.Text.Json.Nodes;

namespace Chatbot.FakeProvider;

/// <summary>
/// One scripted answer of <see cref="FakeAnthropicServer"/> to a <c>POST …/v1/messages</c> call, in the Messages API's
/// documented wire format. Immutable: derive variants with <c>with { … }</c>.
/// </summary>
/// <remarks>
/// How the answer is chosen, in order:
/// <list type="number">
/// <item><see cref="Events"/> set: a <c>text/event-stream</c> of exactly these events (a cut stream, an error inside it, garbage).</item>
/// <item><see cref="Body"/> set: sent verbatim with <see cref="Status"/> and <see cref="ContentType"/> (an error, not JSON).</item>
/// <item>Otherwise a message of <see cref="Blocks"/> (or, when there are none, the text <c>"Fake answer to: " + the
/// last user text</c>) with <see cref="StopReason"/> and the usage: as one <c>message</c> object, or, when the request
/// asked for <c>"stream": true</c>, as its events (<c>message_start</c>, a <c>ping</c>, each block's start, its
/// <c>text_delta</c>s word by word or its <c>input_json_delta</c>s a few characters at a time, its stop,
/// <c>message_delta</c> with the stop reason and usage, <c>message_stop</c>).</item>
/// </list>
/// </remarks>
public sealed record FakeAnthropicResponse
{
    public const string DefaultModel = "claude-fake-model";

    public int Status { get; init; } = 200;

    /// <summary>Raw response body, sent as is.</summary>
    public string? Body { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>Extra response headers (<c>Retry-After</c>, <c>request-id</c>).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The events of a stream, each as its <c>event:</c> name and its <c>data:</c> (sent as they are).</summary>
    public IReadOnlyList<(string Event, string Data)>? Events { get; init; }

    /// <summary>The message's content blocks; none: the default text answer.</summary>
    public IReadOnlyList<JsonObject>? Blocks { get; init; }

    public string StopReason { get; init; } = "end_turn";

    /// <summary>The model the answer names; null: the request's.</summary>
    public string? Model { get; init; }

    public int InputTokens { get; init; } = 11;

    public int OutputTokens { get; init; } = 13;

    public int CacheReadInputTokens { get; init; }

    public int CacheCreationInputTokens { get; init; }

    /// <summary>Waited before the status line.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Waited between two events of a stream.</summary>
    public TimeSpan EventDelay { get; init; }

    /// <summary>A text answer.</summary>
    public static FakeAnthropicResponse Text(string text, string stopReason = "end_turn") =>
        new() { Blocks = [TextBlock(text)], StopReason = stopReason };

    /// <summary>An answer that calls a tool (with some text before it when given).</summary>
    public static FakeAnthropicResponse ToolUse(string id, string name, string inputJson, string? text = null) => new()
    {
        Blocks = text is null ? [ToolUseBlock(id, name, inputJson)] : [TextBlock(text), ToolUseBlock(id, name, inputJson)],
        StopReason = "tool_use",
    };

    /// <summary>An error with Anthropic's error body: <c>{"type":"error","error":{"type":…,"message":…}}</c>.</summary>
    public static FakeAnthropicResponse Error(int status, string type, string message) =>
        new() { Status = status, Body = ErrorBody(type, message) };

    /// <summary>Anthropic's 529: the API is overloaded.</summary>
    public static FakeAnthropicResponse Overloaded() => Error(529, "overloaded_error", "Overloaded");

    /// <summary>A 429 with a <c>retry-after</c> in seconds.</summary>
    public static FakeAnthropicResponse RateLimited(int retryAfterSeconds) =>
        Error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit") with
        {
            Headers = new Dictionary<string, string> { ["retry-after"] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture) },
        };

    /// <summary>A stream of exactly these events.</summary>
    public static FakeAnthropicResponse Stream(params (string Event, string Data)[] events) => new() { Events = events };

    public static FakeAnthropicResponse Raw(string body, string contentType = "application/json", int status = 200) =>
        new() { Status = status, Body = body, ContentType = contentType };

    public static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    public static JsonObject ToolUseBlock(string id, string name, string inputJson) =>
        new() { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = JsonNode.Parse(inputJson) };

    public static string ErrorBody(string type, string message) =>
        new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }.ToJsonString();
}
