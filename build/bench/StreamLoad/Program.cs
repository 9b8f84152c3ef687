using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Chatbot.Bench.Shared;

// StreamLoad: N concurrent POST {url} (server-sent events) started at once, each read to its end, while a probe
// times GET {health-url} on its own connection. Everything is bounded: N streams, --timeout-s for the whole run.
// Usage: StreamLoad --url http://127.0.0.1:8000/question/stream --health-url http://127.0.0.1:8000/health
//                   [--streams 2000] [--timeout-s 60] [--health-per-second 10] [--idle-probes 20] [--text TEXT]
// Progress goes to stderr once a second; the last stdout line is
//   RESULT streams=N ok=N failed=N errors=KIND:COUNT,...|none elapsed_ms=... launch_ms=... ttfb_p50=... ...
// A stream is ok when it answered 200 and its last data line was [DONE] with no "event: error" before it.
// Before it, "PHASE NAME UNIX_MS" lines mark the streams' start (launch), the first response headers
// (first_headers: until then every stream is open in the service) and the end (done), for a sampler outside.
const string Usage = """
    Usage: StreamLoad --url URL --health-url URL [--streams 2000] [--timeout-s 60] [--health-per-second 10]
                      [--idle-probes 20] [--text TEXT]
    """;
var options = BenchArgs.Parse(args, Usage, "--url", "--health-url", "--streams", "--timeout-s", "--health-per-second", "--idle-probes", "--text");
var url = new Uri(options.Optional("--url") ?? Fail("--url is required"));
var healthUrl = new Uri(options.Optional("--health-url") ?? Fail("--health-url is required"));
var streams = options.Int("--streams", 2000, 1, 100_000);
var timeout = TimeSpan.FromSeconds(options.Int("--timeout-s", 60, 1, 3600));
var healthInterval = TimeSpan.FromSeconds(1.0 / options.Int("--health-per-second", 10, 1, 100));
var idleProbes = options.Int("--idle-probes", 20, 0, 1000);
var text = options.Text("--text", "What is the capital of France?");
var body = Encoding.UTF8.GetBytes("{\"text\":\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"}");

// One connection per stream: no limit per server, no proxy, connections not kept past the run.
using var streamClient = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    ConnectTimeout = TimeSpan.FromSeconds(30),
    UseProxy = false,
    AutomaticDecompression = System.Net.DecompressionMethods.None,
})
{
    Timeout = Timeout.InfiniteTimeSpan,
};
// The probe's own handler: one keep-alive connection, never queued behind the streams.
using var healthClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 })
{
    Timeout = Timeout.InfiniteTimeSpan,
};

using var deadline = new CancellationTokenSource();
var clock = Stopwatch.StartNew();

// --- the probe at rest ---------------------------------------------------------------------------------------
var idle = new List<double>();
var idleErrors = 0;
for (var i = 0; i < idleProbes; i++)
{
    var (ms, ok) = await ProbeAsync(healthClient, healthUrl, CancellationToken.None);
    if (ok)
    {
        idle.Add(ms);
    }
    else
    {
        idleErrors++;
    }

    await Task.Delay(healthInterval);
}

// --- the streams, all at once --------------------------------------------------------------------------------
deadline.CancelAfter(timeout);
var inFlight = 0;
var peakInFlight = 0;
var withHeaders = 0;
var finished = 0;
var okCount = 0;
var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var ttfb = new ConcurrentBag<double>();
var totals = new ConcurrentBag<double>();

var runStart = clock.Elapsed;
var tasks = new Task[streams];
for (var i = 0; i < streams; i++)
{
    tasks[i] = RunStreamAsync();
}

var launchMs = (clock.Elapsed - runStart).TotalMilliseconds;
Phase("launch");
var all = Task.WhenAll(tasks);

// --- the probe under load, and progress once a second, until every stream has ended -------------------------
var loaded = new List<double>();
var loadedErrors = 0;
var probeLoop = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(healthInterval);
    while (!all.IsCompleted && !deadline.IsCancellationRequested)
    {
        var (ms, ok) = await ProbeAsync(healthClient, healthUrl, deadline.Token);
        if (ok)
        {
            loaded.Add(ms);
        }
        else if (!deadline.IsCancellationRequested)
        {
            loadedErrors++;
        }

        try
        {
            await timer.WaitForNextTickAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }
    }
});
var progress = Task.Run(async () =>
{
    while (!all.IsCompleted)
    {
        await Task.WhenAny(all, Task.Delay(1000));
        await Console.Error.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"  {(clock.Elapsed - runStart).TotalSeconds,6:0.0} s: open {Volatile.Read(ref inFlight)}, headers {Volatile.Read(ref withHeaders)}, ended {Volatile.Read(ref finished)}, ok {Volatile.Read(ref okCount)}"));
    }
});

await all;
var elapsedMs = (clock.Elapsed - runStart).TotalMilliseconds;
Phase("done");
await probeLoop;
await progress;

var failed = streams - okCount;
var errorText = errors.IsEmpty ? "none" : string.Join(',', errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}:{e.Value}"));
Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
    $"RESULT streams={streams} ok={okCount} failed={failed} errors={errorText} elapsed_ms={elapsedMs:0} launch_ms={launchMs:0} " +
    $"peak_open={peakInFlight} {Percentiles.Summary("ttfb", ttfb)} {Percentiles.Summary("total", totals)} " +
    $"health_idle_n={idle.Count} health_idle_errors={idleErrors} {Percentiles.Summary("health_idle", idle)} " +
    $"health_n={loaded.Count} health_errors={loadedErrors} {Percentiles.Summary("health", loaded)}"));
return 0;

async Task RunStreamAsync()
{
    // Leave the loop that starts the streams at once: the rest runs on the thread pool.
    await Task.Yield();
    var open = Interlocked.Increment(ref inFlight);
    UpdateMax(ref peakInFlight, open);
    var started = clock.Elapsed;
    var kind = "ok";
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await streamClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        if (Interlocked.Increment(ref withHeaders) == 1)
        {
            Phase("first_headers");
        }

        ttfb.Add((clock.Elapsed - started).TotalMilliseconds);
        if ((int)response.StatusCode != 200)
        {
            kind = "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? lastData = null;
        var errorEvent = false;
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                lastData = line[5..].Trim();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal) && line[6..].Trim() == "error")
            {
                errorEvent = true;
            }
        }

        kind = errorEvent ? "error_event" : lastData == "[DONE]" ? "ok" : "no_done";
    }
    catch (Exception ex)
    {
        kind = ErrorKinds.Of(ex, deadline.IsCancellationRequested);
    }
    finally
    {
        totals.Add((clock.Elapsed - started).TotalMilliseconds);
        Interlocked.Decrement(ref inFlight);
        Interlocked.Increment(ref finished);
        if (kind == "ok")
        {
            Interlocked.Increment(ref okCount);
        }
        else
        {
            errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
        }
    }
}

static void Phase(string name) =>
    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PHASE {name} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}"));

static async Task<(double Ms, bool Ok)> ProbeAsync(HttpClient client, Uri healthUrl, CancellationToken token)
{
    var started = Stopwatch.GetTimestamp();
    try
    {
        using var perRequest = CancellationTokenSource.CreateLinkedTokenSource(token);
        perRequest.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await client.GetAsync(healthUrl, perRequest.Token);
        await response.Content.ReadAsByteArrayAsync(perRequest.Token);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.IsSuccessStatusCode);
    }
    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
    {
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, false);
    }
}

static void UpdateMax(ref int max, int value)
{
    var current = Volatile.Read(ref max);
    while (value > current)
    {
        var seen = Interlocked.CompareExchange(ref max, value, current);
        if (seen == current)
        {
            return;
        }

        current = seen;
    }
}

static string Fail(string message)
{
    Console.Error.WriteLine(message);
    Environment.Exit(2);
    return message;
}
