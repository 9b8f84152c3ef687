using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Chatbot.FakeProvider;

/// <summary>
/// A fake OpenAI-compatible LLM upstream on a real Kestrel server bound to 127.0.0.1.
/// </summary>
/// <remarks>
/// Routes: <c>POST {any prefix}/chat/completions</c> answers with the scripted responses (<see cref="Enqueue"/>,
/// then <see cref="Default"/>); <c>GET {any prefix}/models</c> lists one model, <c>fake-model</c>; anything else is a
/// 404 with an OpenAI-style error body. Every request is recorded in <see cref="Received"/>. All members are thread-safe.
/// </remarks>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private static readonly FakeResponse InitialDefault = new();
    private static readonly FakeResponse InjectedServerError = FakeResponse.WithStatus(500);
    private static readonly FakeResponse InjectedRateLimit = FakeResponse.RateLimited(1);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeProviderOptions _options;
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Queue<FakeResponse> _script = new();
    private readonly List<ReceivedRequest> _received = [];
    private readonly byte[] _fastBody;
    private volatile FakeResponse _default = InitialDefault;
    private TaskCompletionSource _changed = NewSignal();
    private int _totalRequests;
    private int _chatCompletionCalls;
    private int _cancelledRequests;
    private int _injectedServerErrors;
    private int _injectedRateLimits;
    private int _disposed;

    private FakeProviderServer(FakeProviderOptions options)
    {
        _options = options;
        _fastBody = OpenAiJson.Completion("chatcmpl-fake", FakeResponse.DefaultModel, "Fake answer.", 5, 7);

        // The empty builder reads no appsettings.json, environment variables or command line: whatever the test
        // process's working directory or environment holds (Kestrel endpoints, ASPNETCORE_URLS, log levels),
        // the fake listens where it is told and stays quiet.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeProviderServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost
            .UseKestrelCore()
            .ConfigureKestrel(kestrel => kestrel.AddServerHeader = false)
            .UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{options.Port}"));
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            // A failed start (port in use) surfaces as the exception StartAsync throws; no stack trace on the console too.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        // No Ctrl+C / SIGTERM handling here: a test process keeps its own; the standalone program handles signals itself.
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = StopTimeout);

        _app = builder.Build();
        _app.Run(options.Fast ? HandleFast : HandleAsync);
    }

    /// <summary>Base address with a trailing slash, e.g. <c>http://127.0.0.1:12345/</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The port actually bound.</summary>
    public int Port { get; private set; }

    /// <summary>
    /// The service's variables for asking this fake under <c>/v1</c> with the OpenAI-compatible adapter, quick
    /// retries and a 5 s timeout; <paramref name="overrides"/> replace or add variables.
    /// </summary>
    public Dictionary<string, string> ServiceSettings(string apiKey, string model, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LLM_PROVIDER"] = "openai",
            ["LLM_BASE_URL"] = new Uri(BaseUrl, "v1").ToString(),
            ["LLM_API_KEY"] = apiKey,
            ["LLM_MODEL"] = model,
            ["LLM_TEMPERATURE"] = "0.7",
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

    /// <summary>
    /// The answer to a chat-completion call when nothing is queued. Initially a 200 completion whose content is
    /// <c>"Fake answer to: " + the last user message</c> (<c>new FakeResponse()</c>); e.g.
    /// <c>server.Default = server.Default with { Delay = TimeSpan.FromSeconds(2) }</c> slows every call.
    /// </summary>
    public FakeResponse Default
    {
        get => _default;
        set => _default = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Snapshot of every request received so far (all routes), in arrival order.</summary>
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

    /// <summary>Queued responses not consumed yet.</summary>
    public int PendingResponses
    {
        get
        {
            lock (_gate)
            {
                return _script.Count;
            }
        }
    }

    /// <summary>Requests received on any route.</summary>
    public int TotalRequests => Volatile.Read(ref _totalRequests);

    /// <summary>Calls to <c>POST …/chat/completions</c>.</summary>
    public int ChatCompletionCalls => Volatile.Read(ref _chatCompletionCalls);

    /// <summary>Chat-completion calls whose client went away while the fake was delaying or answering.</summary>
    public int CancelledRequests => Volatile.Read(ref _cancelledRequests);

    internal int InjectedServerErrors => Volatile.Read(ref _injectedServerErrors);

    internal int InjectedRateLimits => Volatile.Read(ref _injectedRateLimits);

    /// <summary>Starts a fake provider on <c>127.0.0.1:<paramref name="port"/></c>; 0 picks a free port.</summary>
    public static Task<FakeProviderServer> StartAsync(int port = 0, CancellationToken ct = default) =>
        StartAsync(new FakeProviderOptions { Port = port }, ct);

    internal static async Task<FakeProviderServer> StartAsync(FakeProviderOptions options, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        var server = new FakeProviderServer(options);
        try
        {
            server.BaseUrl = await LoopbackApp.StartAsync(server._app, ct).ConfigureAwait(false);
            server.Port = server.BaseUrl.Port;
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Queues responses for the next chat-completion calls, one per call, in order.</summary>
    public void Enqueue(params FakeResponse[] responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        foreach (var response in responses)
        {
            ArgumentNullException.ThrowIfNull(response, nameof(responses));
        }

        lock (_gate)
        {
            foreach (var response in responses)
            {
                _script.Enqueue(response);
            }
        }
    }

    /// <summary>Clears the queue, the recorded requests and the counters, and restores the initial <see cref="Default"/>.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _script.Clear();
            _received.Clear();
        }

        _default = InitialDefault;
        Interlocked.Exchange(ref _totalRequests, 0);
        Interlocked.Exchange(ref _chatCompletionCalls, 0);
        Interlocked.Exchange(ref _cancelledRequests, 0);
        Interlocked.Exchange(ref _injectedServerErrors, 0);
        Interlocked.Exchange(ref _injectedRateLimits, 0);
        Signal();
    }

    /// <summary>Waits until at least one request was cancelled by its client; false on timeout.</summary>
    public Task<bool> WaitForCancellationAsync(TimeSpan timeout, CancellationToken ct = default) =>
        WaitForCancelledRequestsAsync(1, timeout, ct);

    /// <summary>Waits until <see cref="CancelledRequests"/> reaches <paramref name="count"/>; false on timeout.</summary>
    public Task<bool> WaitForCancelledRequestsAsync(int count, TimeSpan timeout, CancellationToken ct = default) =>
        WaitUntilAsync(() => CancelledRequests >= count, timeout, ct);

    /// <summary>Waits until <see cref="ChatCompletionCalls"/> reaches <paramref name="count"/> (e.g. "the call is in flight"); false on timeout.</summary>
    public Task<bool> WaitForChatCompletionCallsAsync(int count, TimeSpan timeout, CancellationToken ct = default) =>
        WaitUntilAsync(() => ChatCompletionCalls >= count, timeout, ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await LoopbackApp.StopAsync(_app, _stopping, StopTimeout).ConfigureAwait(false);
    }

    // ---- request handling ------------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        var isChat = HttpMethods.IsPost(request.Method) && IsChatCompletionsPath(request.Path.Value);

        var body = string.Empty;
        if (_options.RecordRequests || isChat)
        {
            try
            {
                body = await ReadBodyAsync(request, aborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                return; // The client went away while sending the request.
            }
        }

        if (_options.CountRequests)
        {
            Interlocked.Increment(ref _totalRequests);
            if (isChat)
            {
                Interlocked.Increment(ref _chatCompletionCalls);
            }
        }

        if (_options.RecordRequests)
        {
            var recorded = new ReceivedRequest(request.Method, request.Path.Value + request.QueryString.Value, CopyHeaders(request), body)
            {
                ReceivedAt = DateTimeOffset.UtcNow,
            };
            lock (_gate)
            {
                _received.Add(recorded);
            }

            Signal();
        }

        if (isChat)
        {
            await HandleChatCompletionAsync(context, body);
            return;
        }

        try
        {
            if (HttpMethods.IsGet(request.Method) && IsModelsPath(request.Path.Value))
            {
                await WriteAsync(context.Response, 200, "application/json", null, OpenAiJson.ModelsBody, aborted);
            }
            else
            {
                var error = OpenAiJson.Error(
                    $"Invalid URL ({request.Method} {request.Path.Value}{request.QueryString.Value})", "invalid_request_error");
                await WriteAsync(context.Response, 404, "application/json", null, error, aborted);
            }
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && aborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private async Task HandleChatCompletionAsync(HttpContext context, string body)
    {
        var response = NextResponse();
        var info = OpenAiJson.ParseChatRequest(body);
        var delay = Sum(response.Delay, SampleLatency());
        var aborted = context.RequestAborted;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stopping.Token);
        var token = linked.Token;
        try
        {
            if (delay != TimeSpan.Zero)
            {
                await Task.Delay(delay, token);
            }

            if (response.StreamChunks is { } chunks)
            {
                await WriteStreamAsync(context.Response, response, info.Model, chunks, token);
            }
            else if (info.Stream && response.Status == 200 && (response.Body is null || response.Content is not null))
            {
                var pieces = OpenAiJson.SplitWords(response.Content ?? info.DefaultAnswer);
                await WriteStreamAsync(context.Response, response, info.Model, pieces, token);
            }
            else if (response.Chunked || response.StallAfterBody)
            {
                await WriteInPiecesAsync(context.Response, response, BodyOf(response, info), token);
            }
            else
            {
                await WriteAsync(context.Response, response.Status, response.ContentType, response.Headers, BodyOf(response, info), token);
            }
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelledRequests);
            Signal();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            context.Abort(); // The server is being disposed.
        }
    }

    // --fast: the cheapest possible answer to a completion; everything else takes the ordinary path.
    private Task HandleFast(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !IsChatCompletionsPath(request.Path.Value))
        {
            return HandleAsync(context);
        }

        if (_options.CountRequests)
        {
            Interlocked.Increment(ref _totalRequests);
            Interlocked.Increment(ref _chatCompletionCalls);
        }

        return _options.HasLatency || _options.InjectsFailures
            ? HandleFastWithLatencyOrFailuresAsync(context)
            : WriteFastBody(context.Response);
    }

    private async Task HandleFastWithLatencyOrFailuresAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var failure = InjectFailure();
        try
        {
            var latency = SampleLatency();
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, aborted);
            }

            if (failure is null)
            {
                await WriteFastBody(context.Response);
            }
            else
            {
                await WriteAsync(context.Response, failure.Status, failure.ContentType, failure.Headers, Encoding.UTF8.GetBytes(failure.Body!), aborted);
            }
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && aborted.IsCancellationRequested)
        {
            if (_options.CountRequests)
            {
                Interlocked.Increment(ref _cancelledRequests);
            }
        }
    }

    private Task WriteFastBody(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength = _fastBody.Length;
        return response.Body.WriteAsync(_fastBody).AsTask();
    }

    private FakeResponse NextResponse()
    {
        lock (_gate)
        {
            if (_script.TryDequeue(out var scripted))
            {
                return scripted;
            }
        }

        return InjectFailure() ?? _default;
    }

    private FakeResponse? InjectFailure()
    {
        if (!_options.InjectsFailures)
        {
            return null;
        }

        var roll = Random.Shared.NextDouble();
        if (roll < _options.Fail500Rate)
        {
            Interlocked.Increment(ref _injectedServerErrors);
            return InjectedServerError;
        }

        if (roll < _options.Fail500Rate + _options.Fail429Rate)
        {
            Interlocked.Increment(ref _injectedRateLimits);
            return InjectedRateLimit;
        }

        return null;
    }

    private TimeSpan SampleLatency()
    {
        if (!_options.HasLatency)
        {
            return TimeSpan.Zero;
        }

        var min = _options.LatencyMin.Ticks;
        var max = _options.LatencyMax.Ticks;
        return min >= max ? _options.LatencyMin : TimeSpan.FromTicks(Random.Shared.NextInt64(min, max + 1));
    }

    private static async Task WriteStreamAsync(
        HttpResponse http, FakeResponse response, string model, IReadOnlyList<string> pieces, CancellationToken token)
    {
        http.StatusCode = response.Status;
        http.ContentType = "text/event-stream";
        http.Headers.CacheControl = "no-cache";
        ApplyHeaders(http, response.Headers);
        await http.StartAsync(token);

        var id = OpenAiJson.NewCompletionId();
        var created = OpenAiJson.Now();
        var chunkDelay = Normalise(response.ChunkDelay);
        // One event per piece, then the stop chunk (null piece); ChunkDelay is waited between two events.
        for (var i = 0; i <= pieces.Count; i++)
        {
            if (i > 0 && chunkDelay != TimeSpan.Zero)
            {
                await Task.Delay(chunkDelay, token);
            }

            var piece = i < pieces.Count ? pieces[i] ?? string.Empty : null;
            await http.Body.WriteAsync(OpenAiJson.ChunkEvent(id, created, model, piece), token);
            await http.Body.FlushAsync(token);
        }

        await http.Body.WriteAsync(OpenAiJson.DoneEvent, token);
        await http.Body.FlushAsync(token);
    }

    // No Content-Length: the client cannot know the size before it has read it all (or, stalled, never does).
    private static async Task WriteInPiecesAsync(HttpResponse http, FakeResponse response, byte[] body, CancellationToken token)
    {
        http.StatusCode = response.Status;
        http.ContentType = response.ContentType;
        ApplyHeaders(http, response.Headers);
        await http.StartAsync(token);
        for (var offset = 0; offset < body.Length; offset += 16 * 1024)
        {
            await http.Body.WriteAsync(body.AsMemory(offset, Math.Min(16 * 1024, body.Length - offset)), token);
            await http.Body.FlushAsync(token);
        }

        if (response.StallAfterBody)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        }
    }

    private static async Task WriteAsync(
        HttpResponse http, int status, string contentType, IReadOnlyDictionary<string, string>? headers, byte[] body, CancellationToken token)
    {
        http.StatusCode = status;
        if (!HasNoBody(status))
        {
            http.ContentType = contentType;
        }

        ApplyHeaders(http, headers);
        if (HasNoBody(status))
        {
            return;
        }

        http.ContentLength = body.Length;
        if (body.Length > 0)
        {
            await http.Body.WriteAsync(body, token);
        }
    }

    private static byte[] BodyOf(FakeResponse response, ChatRequestInfo info)
    {
        if (response.Body is { } body)
        {
            return Encoding.UTF8.GetBytes(body);
        }

        if (HasNoBody(response.Status))
        {
            return [];
        }

        return FakeResponse.IsSuccess(response.Status)
            ? OpenAiJson.Completion(OpenAiJson.NewCompletionId(), info.Model, response.Content ?? info.DefaultAnswer, 5, 7)
            : OpenAiJson.Error(response.Status);
    }

    private static bool HasNoBody(int status) => status is < 200 or 204 or 304;

    private static void ApplyHeaders(HttpResponse http, IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null)
        {
            return;
        }

        foreach (var (name, value) in headers)
        {
            http.Headers[name] = value;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken token)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return await reader.ReadToEndAsync(token);
    }

    private static Dictionary<string, string> CopyHeaders(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = values.ToString();
        }

        return headers;
    }

    private static bool IsChatCompletionsPath(string? path) =>
        path is not null && path.AsSpan().TrimEnd('/').EndsWith("/chat/completions", StringComparison.Ordinal);

    private static bool IsModelsPath(string? path) =>
        path is not null && path.AsSpan().TrimEnd('/').EndsWith("/models", StringComparison.Ordinal);

    // Timeout.InfiniteTimeSpan stays infinite; any other negative value counts as no delay.
    private static TimeSpan Normalise(TimeSpan delay) =>
        delay == Timeout.InfiniteTimeSpan ? delay : delay < TimeSpan.Zero ? TimeSpan.Zero : delay;

    private static TimeSpan Sum(TimeSpan a, TimeSpan b)
    {
        a = Normalise(a);
        b = Normalise(b);
        return a == Timeout.InfiniteTimeSpan || b == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : a + b;
    }

    // ---- waiting ---------------------------------------------------------------------------------------------

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Wakes every WaitUntilAsync. Only in test mode: the standalone program has no waiters.
    private void Signal()
    {
        if (_options.RecordRequests)
        {
            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        }
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task; // Read before the check, so no change is missed.
            if (condition())
            {
                return true;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return condition();
            }
        }
    }

    private sealed class NoopHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
