using System.Globalization;

namespace Chatbot.FakeProvider;

/// <summary>
/// One scripted answer of the fake provider to a <c>POST …/chat/completions</c> call.
/// Immutable: derive variants with <c>with { Delay = … }</c>.
/// </summary>
/// <remarks>
/// How the answer is chosen, in order:
/// <list type="number">
/// <item><see cref="StreamChunks"/> set: a <c>text/event-stream</c> of <c>chat.completion.chunk</c> events, one per piece.</item>
/// <item>The request has <c>"stream": true</c>, <see cref="Status"/> is 200 and the response is a completion
/// (<see cref="Body"/> null, or <see cref="Content"/> set as by <see cref="Completion"/>): the completion text
/// (<see cref="Content"/>, or the default <c>"Fake answer to: …"</c>) streamed in word pieces.</item>
/// <item><see cref="Body"/> set: sent verbatim with <see cref="Status"/> and <see cref="ContentType"/>.</item>
/// <item><see cref="Body"/> null and a 2xx status: a chat.completion whose text is <see cref="Content"/> or, when
/// that is null too, <c>"Fake answer to: " + the last user message</c>; the model echoes the request's.</item>
/// <item><see cref="Body"/> null and any other status: an OpenAI-style error object.</item>
/// </list>
/// <see cref="Headers"/> are added to every kind of answer; <see cref="Delay"/> is waited before the status line.
/// </remarks>
public sealed record FakeResponse
{
    /// <summary>The default model name of the fake provider (also what <c>GET …/models</c> lists).</summary>
    public const string DefaultModel = "fake-model";

    /// <summary>Prefix of the default answer: <c>"Fake answer to: " + last user message</c>.</summary>
    public const string DefaultAnswerPrefix = "Fake answer to: ";

    /// <summary>HTTP status code. Default 200.</summary>
    public int Status { get; init; } = 200;

    /// <summary>Raw response body, sent as is. Null: a default completion (2xx) or an OpenAI error body (others).</summary>
    public string? Body { get; init; }

    /// <summary>Content-Type of <see cref="Body"/>. Default <c>application/json</c>. Streams are always <c>text/event-stream</c>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Extra response headers (e.g. <c>Retry-After</c>). A <c>Content-Type</c> here wins over <see cref="ContentType"/>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// Wait before sending the status line and headers. <see cref="Timeout.InfiniteTimeSpan"/> waits until the client
    /// goes away (see <see cref="Hang"/>). A client that aborts during the wait is counted in
    /// <see cref="FakeProviderServer.CancelledRequests"/>.
    /// </summary>
    public TimeSpan Delay { get; init; }

    /// <summary>When set, answer with one SSE <c>chat.completion.chunk</c> event per piece, then a stop chunk and <c>[DONE]</c>.</summary>
    public IReadOnlyList<string>? StreamChunks { get; init; }

    /// <summary>Wait between two SSE events of a stream (before every event after the first, the final stop chunk included).</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>
    /// The assistant text when this response is a completion: used to build the completion when <see cref="Body"/> is
    /// null, and streamed in word pieces when the request asks for <c>"stream": true</c>. Null: the default answer.
    /// </summary>
    public string? Content { get; init; }

    /// <summary>A full OpenAI <c>chat.completion</c> JSON body with <paramref name="content"/> as the assistant message.</summary>
    public static FakeResponse Completion(string content, int promptTokens = 5, int completionTokens = 7, string model = DefaultModel)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(model);
        return new FakeResponse
        {
            Body = OpenAiJson.CompletionString(OpenAiJson.NewCompletionId(), model, content, promptTokens, completionTokens),
            Content = content,
        };
    }

    /// <summary>
    /// An answer with <paramref name="status"/>. When <paramref name="body"/> is null: an OpenAI-style error body
    /// (<c>{"error":{"message":…,"type":…,"code":null}}</c>) for a non-2xx status, a default completion for a 2xx one.
    /// </summary>
    public static FakeResponse WithStatus(int status, string? body = null, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(contentType);
        return new FakeResponse
        {
            Status = status,
            Body = body ?? (IsSuccess(status) ? null : OpenAiJson.ErrorString(status)),
            ContentType = contentType,
        };
    }

    /// <summary>A 429 with an OpenAI rate-limit error body and, when given, a <c>Retry-After</c> header in seconds.</summary>
    public static FakeResponse RateLimited(int? retryAfterSeconds = null) => WithStatus(429) with
    {
        Headers = retryAfterSeconds is { } seconds
            ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture),
            }
            : null,
    };

    /// <summary>A 200 with exactly this body (e.g. malformed JSON, <c>null</c>, an HTML page).</summary>
    public static FakeResponse Raw(string body, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contentType);
        return new FakeResponse { Body = body, ContentType = contentType };
    }

    /// <summary>A 200 <c>text/event-stream</c> with one <c>chat.completion.chunk</c> per piece.</summary>
    public static FakeResponse Stream(params string[] pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        return new FakeResponse { StreamChunks = [.. pieces] };
    }

    /// <summary>Send <see cref="Body"/> without a <c>Content-Length</c>, in pieces of 16 KiB, flushed one by one.</summary>
    public bool Chunked { get; init; }

    /// <summary>After <see cref="Body"/> (sent without a <c>Content-Length</c>), keep the answer open until the client goes away.</summary>
    public bool StallAfterBody { get; init; }

    /// <summary>A 200 that sends the start of a body, then nothing more until the client goes away.</summary>
    public static FakeResponse StallMidBody(string start, string contentType = "application/json") =>
        Raw(start, contentType) with { StallAfterBody = true };

    /// <summary>Never answers: waits until the client aborts the request (or the server stops).</summary>
    public static FakeResponse Hang() => new() { Delay = Timeout.InfiniteTimeSpan };

    internal static bool IsSuccess(int status) => status is >= 200 and <= 299;
}
