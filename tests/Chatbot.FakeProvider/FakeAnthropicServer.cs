using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Chatbot.FakeProvider;

/// <summary>
/// A fake of Anthropic's Messages API on a real Kestrel server bound to 127.0.0.1, written from its documented wire
/// format: <c>POST {any prefix}/v1/messages</c> answers with the scripted responses (<see cref="Enqueue"/>, then
/// <see cref="Default"/>), plain or streamed as the request asks; anything else is a 404 with Anthropic's error body.
/// Every request is recorded in <see cref="Received"/> (headers, <c>x-api-key</c> and <c>anthropic-version</c> included).
/// All members are thread-safe.
/// </summary>
public sealed class FakeAnthropicServer : IAsyncDisposable
{
    private static readonly FakeAnthropicResponse InitialDefault = new();

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Queue<FakeAnthropicResponse> _script = new();
    private readonly List<ReceivedRequest> _received = [];
    private volatile FakeAnthropicResponse _default = InitialDefault;
    private int _messagesCalls;
    private int _disposed;

    private FakeAnthropicServer()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeAnthropicServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.AddServerHeader = false).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // No Ctrl+C / SIGTERM handling: the test process keeps its own.
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>Base address with a trailing slash, e.g. <c>http://127.0.0.1:12345/</c>: the service's <c>LLM_BASE_URL</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The answer when nothing is queued; initially a text answer "Fake answer to: " + the last user text.</summary>
    public FakeAnthropicResponse Default
    {
        get => _default;
        set => _default = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Every request received so far (all routes), in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>The last call to <c>POST …/v1/messages</c>.</summary>
    public ReceivedRequest LastMessagesCall => Received.Last(r => IsMessagesPath(r.Path));

    /// <summary>Calls to <c>POST …/v1/messages</c>.</summary>
    public int MessagesCalls => Volatile.Read(ref _messagesCalls);

    public static async Task<FakeAnthropicServer> StartAsync(CancellationToken ct = default)
    {
        var server = new FakeAnthropicServer();
        try
        {
            server.BaseUrl = await LoopbackApp.StartAsync(server._app, ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The service's variables for asking this fake with the Anthropic adapter, quick retries and a 5 s timeout;
    /// <paramref name="overrides"/> replace or add variables.
    /// </summary>
    public Dictionary<string, string> ServiceSettings(string apiKey, string model, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LLM_PROVIDER"] = "anthropic",
            ["LLM_BASE_URL"] = BaseUrl.ToString(),
            ["LLM_API_KEY"] = apiKey,
            ["LLM_MODEL"] = model,
            ["LLM_TEMPERATURE"] = "0.5",
            ["REQUEST_TIMEOUT"] = "5",
            ["LLM_MAX_ATTEMPTS"] = "3",
            ["LLM_RETRY_BASE_DELAY"] = "0.001",
            ["LLM_RETRY_MAX_DELAY"] = "0.01",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Queues answers for the next calls, one per call, in order.</summary>
    public void Enqueue(params FakeAnthropicResponse[] responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        lock (_gate)
        {
            foreach (var response in responses)
            {
                _script.Enqueue(response ?? throw new ArgumentNullException(nameof(responses)));
            }
        }
    }

    /// <summary>Clears the queue, the records and the counter, and restores the initial <see cref="Default"/>.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _script.Clear();
            _received.Clear();
        }

        _default = InitialDefault;
        Interlocked.Exchange(ref _messagesCalls, 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await LoopbackApp.StopAsync(_app, _stopping, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = linked.Token;
        try
        {
            string body;
            using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(token);
            }

            var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            lock (_gate)
            {
                _received.Add(new ReceivedRequest(request.Method, request.Path.Value + request.QueryString.Value, headers, body)
                {
                    ReceivedAt = DateTimeOffset.UtcNow,
                });
            }

            if (!HttpMethods.IsPost(request.Method) || !IsMessagesPath(request.Path.Value))
            {
                await WriteAsync(context.Response, 404, "application/json", null,
                    FakeAnthropicResponse.ErrorBody("not_found_error", $"Not found: {request.Method} {request.Path.Value}"), token);
                return;
            }

            Interlocked.Increment(ref _messagesCalls);
            FakeAnthropicResponse response;
            lock (_gate)
            {
                response = _script.TryDequeue(out var next) ? next : _default;
            }

            if (response.Delay > TimeSpan.Zero || response.Delay == Timeout.InfiniteTimeSpan)
            {
                await Task.Delay(response.Delay, token);
            }

            await AnswerAsync(context.Response, response, ParseRequest(body), token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away, or the server is stopping.
        }
    }

    private static async Task AnswerAsync(HttpResponse http, FakeAnthropicResponse response, MessagesRequest request, CancellationToken token)
    {
        if (response.Events is { } events)
        {
            await WriteEventsAsync(http, response, events, token);
        }
        else if (response.Body is { } body)
        {
            await WriteAsync(http, response.Status, response.ContentType, response.Headers, body, token);
        }
        else
        {
            var message = Message(response, request);
            if (request.Stream)
            {
                await WriteEventsAsync(http, response, StreamOf(message), token);
            }
            else
            {
                await WriteAsync(http, response.Status, "application/json", response.Headers, message.ToJsonString(), token);
            }
        }
    }

    private static JsonObject Message(FakeAnthropicResponse response, MessagesRequest request)
    {
        var blocks = response.Blocks ?? [FakeAnthropicResponse.TextBlock("Fake answer to: " + request.LastUserText)];
        return new JsonObject
        {
            ["id"] = "msg_fake_" + Guid.NewGuid().ToString("N"),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = response.Model ?? request.Model,
            ["content"] = new JsonArray([.. blocks.Select(b => b.DeepClone())]),
            ["stop_reason"] = response.StopReason,
            ["stop_sequence"] = null,
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = response.InputTokens,
                ["cache_creation_input_tokens"] = response.CacheCreationInputTokens,
                ["cache_read_input_tokens"] = response.CacheReadInputTokens,
                ["output_tokens"] = response.OutputTokens,
            },
        };
    }

    /// <summary>A message as the Messages API streams it.</summary>
    private static List<(string Event, string Data)> StreamOf(JsonObject message)
    {
        var content = message["content"]!.AsArray();
        var usage = message["usage"]!.AsObject();
        var start = (JsonObject)message.DeepClone();
        start["content"] = new JsonArray();
        start["stop_reason"] = null;
        start["usage"]!["output_tokens"] = 1;
        var events = new List<(string, string)>
        {
            ("message_start", new JsonObject { ["type"] = "message_start", ["message"] = start }.ToJsonString()),
            ("ping", """{"type": "ping"}"""),
        };
        for (var i = 0; i < content.Count; i++)
        {
            var block = content[i]!.AsObject();
            var kind = block["type"]!.GetValue<string>();
            var empty = kind == "tool_use"
                ? new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() }
                : new JsonObject { ["type"] = "text", ["text"] = string.Empty };
            events.Add(("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = i, ["content_block"] = empty }.ToJsonString()));
            var pieces = kind == "tool_use"
                ? Chunks(block["input"]!.ToJsonString(), 7).Select(p => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = p })
                : Words(block["text"]!.GetValue<string>()).Select(p => new JsonObject { ["type"] = "text_delta", ["text"] = p });
            foreach (var delta in pieces)
            {
                events.Add(("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = i, ["delta"] = delta }.ToJsonString()));
            }

            events.Add(("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = i }.ToJsonString()));
        }

        events.Add(("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = message["stop_reason"]!.DeepClone(), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = usage["output_tokens"]!.DeepClone() },
        }.ToJsonString()));
        events.Add(("message_stop", """{"type":"message_stop"}"""));
        return events;
    }

    private static async Task WriteEventsAsync(HttpResponse http, FakeAnthropicResponse response, IReadOnlyList<(string Event, string Data)> events, CancellationToken token)
    {
        http.StatusCode = response.Status;
        http.ContentType = "text/event-stream; charset=utf-8";
        http.Headers.CacheControl = "no-cache";
        ApplyHeaders(http, response.Headers);
        await http.StartAsync(token);
        for (var i = 0; i < events.Count; i++)
        {
            if (i > 0 && response.EventDelay > TimeSpan.Zero)
            {
                await Task.Delay(response.EventDelay, token);
            }

            await http.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {events[i].Event}\ndata: {events[i].Data}\n\n"), token);
            await http.Body.FlushAsync(token);
        }
    }

    private static async Task WriteAsync(
        HttpResponse http, int status, string contentType, IReadOnlyDictionary<string, string>? headers, string body, CancellationToken token)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        http.StatusCode = status;
        http.ContentType = contentType;
        ApplyHeaders(http, headers);
        http.Headers["request-id"] = "req_fake_" + Guid.NewGuid().ToString("N");
        http.ContentLength = bytes.Length;
        await http.Body.WriteAsync(bytes, token);
    }

    private static void ApplyHeaders(HttpResponse http, IReadOnlyDictionary<string, string>? headers)
    {
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            http.Headers[name] = value;
        }
    }

    private static IEnumerable<string> Words(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ' ')
            {
                yield return text[start..i];
                start = i;
            }
        }
    }

    private static IEnumerable<string> Chunks(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    private static bool IsMessagesPath(string? path) =>
        path is not null && path.AsSpan().TrimEnd('/').EndsWith("/v1/messages", StringComparison.Ordinal);

    private static MessagesRequest ParseRequest(string body)
    {
        try
        {
            var json = JsonNode.Parse(body)!.AsObject();
            var lastUser = json["messages"]?.AsArray().LastOrDefault(m => m?["role"]?.GetValue<string>() == "user");
            var text = lastUser?["content"] switch
            {
                JsonValue value => value.GetValue<string>(),
                JsonArray blocks => string.Concat(blocks.Where(b => b?["type"]?.GetValue<string>() == "text").Select(b => b!["text"]!.GetValue<string>())),
                _ => string.Empty,
            };
            return new MessagesRequest(
                json["model"]?.GetValue<string>() ?? FakeAnthropicResponse.DefaultModel,
                json["stream"]?.GetValue<bool>() == true,
                text);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return new MessagesRequest(FakeAnthropicResponse.DefaultModel, false, string.Empty);
        }
    }

    private sealed record MessagesRequest(string Model, bool Stream, string LastUserText);

    private sealed class NoopHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>For logs of a failed test: how many calls and what was last asked.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"FakeAnthropicServer {BaseUrl} ({MessagesCalls} messages calls)");
}
