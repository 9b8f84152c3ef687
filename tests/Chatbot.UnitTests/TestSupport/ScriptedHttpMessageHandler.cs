using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Chatbot.UnitTests.TestSupport;

/// <summary>A request as the upstream saw it, copied before the pipeline could dispose it.</summary>
public sealed record RecordedRequest(
    HttpMethod Method, Uri? Uri, string? Authorization, string? Body, long? ContentLength = null, string? ContentType = null);

/// <summary>
/// Stands in for the network at the bottom of the provider's HttpClient pipeline: each call is answered by a
/// scripted step (call 1 by the first step, ...; the last step answers every call past the script).
/// </summary>
public sealed class ScriptedHttpMessageHandler : HttpMessageHandler
{
    public const string CompletionJson = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}
        """;

    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] _steps;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _calls;

    public ScriptedHttpMessageHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] steps)
    {
        if (steps.Length == 0)
        {
            throw new ArgumentException("A script needs at least one step.", nameof(steps));
        }

        _steps = steps;
    }

    /// <summary>How many requests reached the upstream.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Answers call n with the n-th status (the last one repeats); 2xx answers carry a valid completion.</summary>
    public static ScriptedHttpMessageHandler Statuses(params HttpStatusCode[] statuses) =>
        new([.. statuses.Select(s => Step(() => s is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous
            ? Json(s, CompletionJson)
            : new HttpResponseMessage(s)))]);

    /// <summary>Answers every call with a fresh response from <paramref name="respond"/>.</summary>
    public static ScriptedHttpMessageHandler Always(Func<HttpResponseMessage> respond) => new(Step(respond));

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Step(Func<HttpResponseMessage> respond) =>
        (_, _) => Task.FromResult(respond());

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throw(Func<Exception> exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception());

    /// <summary>Waits, honouring the token, far longer than any REQUEST_TIMEOUT a test sets.</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hang() =>
        async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        Content(status, body, "application/json");

    public static HttpResponseMessage Content(HttpStatusCode status, string body, string mediaType) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Enqueue(new RecordedRequest(
            request.Method,
            request.RequestUri,
            request.Headers.Authorization?.ToString(),
            body,
            request.Content?.Headers.ContentLength,
            request.Content?.Headers.ContentType?.ToString()));
        var step = _steps[Math.Min(call, _steps.Length) - 1];
        var response = await step(request, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
