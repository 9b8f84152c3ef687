using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Betalgo.Ranul.OpenAI;
using Betalgo.Ranul.OpenAI.Managers;
using Betalgo.Ranul.OpenAI.ObjectModels.RequestModels;
using Chatbot.Bench.Shared;

// SdkStreamProbe: N concurrent chat-completion streams against a slow OpenAI-compatible upstream, each started on
// the thread pool (Task.Run, as a server runs a request), with
//   --mode sdk    Betalgo.Ranul.OpenAI's OpenAIService.ChatCompletion.CreateCompletionAsStream (HttpClient.Send)
//   --mode async  HttpClient.SendAsync + HttpCompletionOption.ResponseHeadersRead, the body read line by line
// and meanwhile, on a dedicated thread every --interval-ms: the time from Task.Run to its delegate running and the
// time until the continuation of a Task.Delay(1) runs (both need a free thread-pool thread), and ThreadPool.ThreadCount.
// Bounded: after --max-seconds the streams still running are cancelled and the figures are those of that moment.
// Progress once a second on stderr; the last stdout line is "RESULT key=value ...".
const string Usage = """
    Usage: SdkStreamProbe --base http://127.0.0.1:PORT/ --mode sdk|async [--streams 2000] [--max-seconds 120]
                          [--interval-ms 100] [--min-threads N]
      --min-threads  ThreadPool.SetMinThreads(N workers) first: threads created on demand without the injection delay
    """;
var options = BenchArgs.Parse(args, Usage, "--base", "--mode", "--streams", "--max-seconds", "--interval-ms", "--min-threads");
var baseUri = new Uri(options.Optional("--base") ?? "http://127.0.0.1:9100/");
var mode = options.Text("--mode", "sdk");
if (mode is not ("sdk" or "async"))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var streams = options.Int("--streams", 2000, 1, 100_000);
var maxTime = TimeSpan.FromSeconds(options.Int("--max-seconds", 120, 1, 3600));
var interval = TimeSpan.FromMilliseconds(options.Int("--interval-ms", 100, 10, 10_000));

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    ConnectTimeout = TimeSpan.FromSeconds(30),
    UseProxy = false,
})
{
    // The run's own bound cancels first; this only keeps a forgotten request from living forever.
    Timeout = maxTime + TimeSpan.FromSeconds(30),
};
// Built as an application would: one service over one HttpClient (the SDK sets its base address and key header).
var sdk = mode == "sdk"
    ? new OpenAIService(new OpenAIOptions { ApiKey = "bench", BaseDomain = baseUri.ToString(), ApiVersion = "v1", ValidateApiOptions = false }, http)
    : null;
var completionsUri = new Uri(baseUri, "v1/chat/completions");
const string Question = "What is the capital of France?";
var asyncBody = Encoding.UTF8.GetBytes(
    "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + Question + "\"}]}");

var minThreads = options.Int("--min-threads", 0, 0, 100_000);
ThreadPool.GetMinThreads(out _, out var minIo);
// Worker threads only: the I/O completion threads' maximum (1000) would refuse a larger minimum.
if (minThreads > 0 && !ThreadPool.SetMinThreads(minThreads, minIo))
{
    Console.Error.WriteLine($"ThreadPool.SetMinThreads({minThreads}) refused");
    return 2;
}

ThreadPool.GetMinThreads(out var minWorkers, out _);
var threadsAtStart = ThreadPool.ThreadCount;
using var cut = new CancellationTokenSource();
var clock = Stopwatch.StartNew();
int started = 0, firstChunk = 0, ok = 0, failed = 0;
var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var doneAt = new ConcurrentBag<double>();
// Set when the streams are launched; until then the probe's ticks count from a second ahead.
var launchedAt = TimeSpan.FromSeconds(1);

// --- the probe, on a thread of its own ------------------------------------------------------------------------
// Every tick it queues a Task.Run and starts a Task.Delay(1) (whose continuation also needs a pool thread) and
// does not wait for them: each records its own latency when it runs. Those that have not run by the end are
// "censored": still waiting then, their latency is at least the time since they were queued.
var taskRunMs = new ConcurrentBag<double>();
var delayMs = new ConcurrentBag<double>();
var probesQueued = new List<(long QueuedAt, Task Run, Task Delay)>();
var restProbes = 0;
var threadsMax = threadsAtStart;
var rssMax = Environment.WorkingSet;
var stopProbe = false;
var probe = new Thread(() =>
{
    var nextTick = clock.Elapsed;
    var nextPrint = TimeSpan.FromSeconds(1);
    while (!Volatile.Read(ref stopProbe))
    {
        var queuedAt = Stopwatch.GetTimestamp();
        var run = Task.Run(() => taskRunMs.Add(Stopwatch.GetElapsedTime(queuedAt).TotalMilliseconds));
        var delay = Task.Delay(1).ContinueWith(
            _ => delayMs.Add(Stopwatch.GetElapsedTime(queuedAt).TotalMilliseconds), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default);
        lock (probesQueued)
        {
            probesQueued.Add((queuedAt, run, delay));
        }

        threadsMax = Math.Max(threadsMax, ThreadPool.ThreadCount);
        rssMax = Math.Max(rssMax, Environment.WorkingSet);
        if (clock.Elapsed >= nextPrint)
        {
            nextPrint += TimeSpan.FromSeconds(1);
            // TICK seconds started first_chunk ok failed pool_threads queued_work_items
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"TICK {(clock.Elapsed - launchedAt).TotalSeconds:0.0} {Volatile.Read(ref started)} {Volatile.Read(ref firstChunk)} " +
                $"{Volatile.Read(ref ok)} {Volatile.Read(ref failed)} {ThreadPool.ThreadCount} {ThreadPool.PendingWorkItemCount}"));
        }

        nextTick += interval;
        var wait = nextTick - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait);
        }
        else
        {
            nextTick = clock.Elapsed;
        }
    }
})
{ IsBackground = true, Name = "starvation probe" };

// --- the streams ------------------------------------------------------------------------------------------------
// A second of the probe at rest first, then all N at once.
probe.Start();
Thread.Sleep(1000);
// The probes at rest: let them finish, then count them out of the figures under load.
Thread.Sleep(50);
lock (probesQueued)
{
    restProbes = probesQueued.Count;
}

var restTaskRun = taskRunMs.ToArray();
var restDelay = delayMs.ToArray();
taskRunMs.Clear();
delayMs.Clear();
launchedAt = clock.Elapsed;
var tasks = new Task[streams];
for (var i = 0; i < streams; i++)
{
    tasks[i] = Task.Run(mode == "sdk" ? SdkStreamAsync : AsyncStreamAsync, cut.Token);
}

var allDone = Task.WhenAll(tasks).ContinueWith(_ => { }, TaskScheduler.Default).Wait(maxTime);
var elapsed = clock.Elapsed - launchedAt;
// The figures of this moment; then what is still running is cancelled.
int startedAtEnd = Volatile.Read(ref started), chunkAtEnd = Volatile.Read(ref firstChunk), okAtEnd = Volatile.Read(ref ok), failedAtEnd = Volatile.Read(ref failed);
var threadsAtEnd = ThreadPool.ThreadCount;
var errorText = errors.IsEmpty ? "none" : string.Join(',', errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}:{e.Value}"));
Volatile.Write(ref stopProbe, true);
probe.Join(TimeSpan.FromSeconds(5));
var end = Stopwatch.GetTimestamp();
var loadProbes = new List<(long QueuedAt, Task Run, Task Delay)>();
lock (probesQueued)
{
    loadProbes.AddRange(probesQueued.Skip(restProbes));
}

// Censored probes count with the time they had waited by now (a lower bound).
var taskRunAll = taskRunMs.ToList();
var delayAll = delayMs.ToList();
var runCensored = 0;
var delayCensored = 0;
foreach (var (queuedAt, run, delay) in loadProbes)
{
    if (!run.IsCompleted)
    {
        runCensored++;
        taskRunAll.Add(Stopwatch.GetElapsedTime(queuedAt, end).TotalMilliseconds);
    }

    if (!delay.IsCompleted)
    {
        delayCensored++;
        delayAll.Add(Stopwatch.GetElapsedTime(queuedAt, end).TotalMilliseconds);
    }
}

await cut.CancelAsync();

var doneList = Percentiles.Sorted(doneAt);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT mode={mode} streams={streams} all_done={(allDone ? "yes" : "no")} elapsed_ms={elapsed.TotalMilliseconds:0} max_s={maxTime.TotalSeconds:0} " +
    $"started={startedAtEnd} first_chunk={chunkAtEnd} ok={okAtEnd} failed={failedAtEnd} not_started={streams - startedAtEnd} errors={errorText} " +
    $"{Percentiles.Summary("done", doneList)} " +
    $"min_threads={minWorkers} threads_start={threadsAtStart} threads_max={threadsMax} threads_end={threadsAtEnd} rss_max_mb={rssMax / 1048576.0:0.0} " +
    $"{Percentiles.Summary("taskrun_rest", restTaskRun)} {Percentiles.Summary("delay1_rest", restDelay)} " +
    $"{Percentiles.Summary("taskrun", taskRunAll)} {Percentiles.Summary("delay1", delayAll)} " +
    $"probes={loadProbes.Count} taskrun_censored={runCensored} delay1_censored={delayCensored}"));
Console.Out.Flush();
// Threads still blocked in a synchronous send would hold the process: leave without waiting for them.
Environment.Exit(0);
return 0;

async Task SdkStreamAsync()
{
    Interlocked.Increment(ref started);
    var chunks = 0;
    try
    {
        var request = new ChatCompletionCreateRequest { Model = "gpt-4o-mini", Messages = [ChatMessage.FromUser(Question)] };
        await foreach (var piece in sdk!.ChatCompletion.CreateCompletionAsStream(request, cancellationToken: cut.Token))
        {
            if (!piece.Successful)
            {
                Fail("sdk_error_" + (piece.Error?.Code ?? "unknown"));
                return;
            }

            if (chunks++ == 0)
            {
                Interlocked.Increment(ref firstChunk);
            }
        }

        Finish(chunks);
    }
    catch (Exception ex)
    {
        Fail(ErrorKinds.Of(ex, cut.IsCancellationRequested));
    }
}

async Task AsyncStreamAsync()
{
    Interlocked.Increment(ref started);
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, completionsUri) { Content = new ByteArrayContent(asyncBody) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "bench");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cut.Token);
        if (!response.IsSuccessStatusCode)
        {
            Fail("http_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cut.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var chunks = 0;
        var done = false;
        while (await reader.ReadLineAsync(cut.Token) is { } line)
        {
            if (line == "data: [DONE]")
            {
                done = true;
                break;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal) && chunks++ == 0)
            {
                Interlocked.Increment(ref firstChunk);
            }
        }

        if (done)
        {
            Finish(chunks);
        }
        else
        {
            Fail("no_done");
        }
    }
    catch (Exception ex)
    {
        Fail(ErrorKinds.Of(ex, cut.IsCancellationRequested));
    }
}

void Finish(int chunks)
{
    if (chunks == 0)
    {
        Fail("no_chunks");
        return;
    }

    doneAt.Add((clock.Elapsed - launchedAt).TotalMilliseconds);
    Interlocked.Increment(ref ok);
}

void Fail(string kind)
{
    Interlocked.Increment(ref failed);
    errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
