using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.EventPipe;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Usage: TraceSummary <trace.nettrace> [requests] [top] [focus]
//   Sums the GCAllocationTick events of a trace (dotnet-trace --profile gc-verbose: one event per ~100 KB
//   allocated, carrying the type and the stack of the allocation that crossed the threshold) by type, by
//   module and by method, and, when the trace has EventPipe thread samples, the samples that were running
//   managed code by method. With a request count, the bytes are also given per request. With a focus (part
//   of a method name), the stacks of the samples and allocations that pass through it, most frequent first.
if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("Usage: TraceSummary <trace.nettrace> [requests] [top] [focus]");
    return 2;
}

var requests = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25;
var focus = args.Length > 3 ? args[3] : null;
var focusStacks = new Dictionary<string, long>(StringComparer.Ordinal);

var etlx = TraceLog.CreateFromEventPipeDataFile(args[0]);
using var log = new TraceLog(etlx);

var byType = new Dictionary<string, long>(StringComparer.Ordinal);
var byModule = new Dictionary<string, long>(StringComparer.Ordinal);
var byMethod = new Dictionary<string, long>(StringComparer.Ordinal);
var byStack = new Dictionary<string, long>(StringComparer.Ordinal);
var cpuByMethod = new Dictionary<string, long>(StringComparer.Ordinal);
var cpuByModule = new Dictionary<string, long>(StringComparer.Ordinal);
var waitsByCaller = new Dictionary<string, long>(StringComparer.Ordinal);
long allocated = 0, ticks = 0, managedSamples = 0, samples = 0, waitSamples = 0;

foreach (var data in log.Events)
{
    if (data is GCAllocationTickTraceData tick)
    {
        var bytes = tick.AllocationAmount64;
        allocated += bytes;
        ticks++;
        Add(byType, tick.TypeName ?? "?", bytes);
        var frames = Frames(data.CallStack());
        AddFocus(frames, bytes);
        Add(byMethod, frames.FirstOrDefault(f => !IsRuntime(f.Module)).Method ?? "?", bytes);
        Add(byModule, Owner(frames), bytes);
        Add(byStack, string.Join("\n      <- ", frames.Where(f => !IsRuntime(f.Module)).Take(6).Select(f => f.Method)), bytes);
    }
    else if (data is ClrThreadSampleTraceData sample)
    {
        samples++;
        if (sample.Type != ClrThreadSampleType.Managed)
        {
            continue;
        }

        var frames = Frames(data.CallStack());
        AddFocus(frames, 1);
        var topMethod = frames.FirstOrDefault().Method ?? "?";
        if (IsWait(topMethod))
        {
            // Marked "managed" but not running: blocked on a lock, or parked while a GC runs.
            waitSamples++;
            var caller = frames.Skip(1).FirstOrDefault(f => !IsRuntime(f.Module) && !f.Module.StartsWith("System.Threading", StringComparison.Ordinal)).Method ?? "?";
            Add(waitsByCaller, $"{ShortName(topMethod)}  <-  {caller}", 1);
            continue;
        }

        managedSamples++;
        Add(cpuByMethod, topMethod, 1);
        Add(cpuByModule, Owner(frames), 1);
    }
}

if (ticks > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Allocation ticks: {ticks}, sampled bytes {allocated / 1048576.0:0.0} MB{(requests > 0 ? $", {allocated / (double)requests:0} bytes per request over {requests} requests (sampled; exact totals come from the counters)" : "")}"));
    Print("Allocated, by type", byType, allocated, requests, top);
    Print("Allocated, by module that asked for it (first frame outside System.Private.CoreLib and the BCL collections)", byModule, allocated, requests, top);
    Print("Allocated, by method that asked for it", byMethod, allocated, requests, top);
    Print("Allocated, by stack (6 frames outside the BCL)", byStack, allocated, requests, Math.Min(top, 15));
}

if (samples > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Thread samples: {samples}; {managedSamples} running managed code, {waitSamples} in managed code but blocked (a lock, or parked for a GC), the rest waiting or in native code"));
    Print("Managed samples, by method on top of the stack", cpuByMethod, managedSamples, 0, top);
    Print("Managed samples, by module that owns the work", cpuByModule, managedSamples, 0, top);
    Print("Blocked samples, by what blocks and the first caller outside the BCL", waitsByCaller, waitSamples, 0, top);
}

if (focus is not null)
{
    Print($"Stacks through '{focus}' (12 frames, allocated bytes or samples)", focusStacks, focusStacks.Values.Sum(), 0, 10);
}

return 0;

void AddFocus(List<(string Method, string Module)> frames, long amount)
{
    if (focus is null)
    {
        return;
    }

    var at = frames.FindIndex(f => f.Method.Contains(focus, StringComparison.Ordinal));
    if (at >= 0)
    {
        Add(focusStacks, "\n      " + string.Join("\n      <- ", frames.Skip(Math.Max(0, at - 3)).Take(12).Select(f => ShortName(f.Method))), amount);
    }
}

static void Add(Dictionary<string, long> totals, string key, long amount) =>
    totals[key] = totals.TryGetValue(key, out var sum) ? sum + amount : amount;

static List<(string Method, string Module)> Frames(TraceCallStack? stack)
{
    var frames = new List<(string, string)>();
    for (; stack is not null; stack = stack.Caller)
    {
        var address = stack.CodeAddress;
        var module = address.ModuleName ?? "?";
        var method = address.FullMethodName;
        frames.Add((string.IsNullOrEmpty(method) ? $"{module}!?" : method, module));
    }

    return frames;
}

// The module that owns an allocation or a sample: the first frame that is not the runtime's own plumbing.
static string Owner(List<(string Method, string Module)> frames) =>
    frames.Select(f => f.Module).FirstOrDefault(m => !IsRuntime(m)) ?? frames.FirstOrDefault().Module ?? "?";

static bool IsWait(string method) =>
    method.Contains("PollGC", StringComparison.Ordinal) || method.Contains("Monitor.Enter_Slowpath", StringComparison.Ordinal)
        || method.Contains("Monitor.Wait", StringComparison.Ordinal) || method.Contains("LowLevelLifoSemaphore.Wait", StringComparison.Ordinal)
        || method.Contains("WaitHandle.Wait", StringComparison.Ordinal) || method.Contains("LowLevelSpinWaiter.Wait", StringComparison.Ordinal)
        || method.Contains("WorkerThread.WorkerThreadStart", StringComparison.Ordinal);

static string ShortName(string method)
{
    var paren = method.IndexOf('(', StringComparison.Ordinal);
    return paren > 0 ? method[..paren] : method;
}

static bool IsRuntime(string module) =>
    module is "" or "System.Private.CoreLib" or "System.Collections" or "System.Linq" or "System.Runtime" or "System.Memory"
        or "System.Collections.Concurrent" or "System.Runtime.InteropServices" or "coreclr" or "libcoreclr" or "?";

static void Print(string title, Dictionary<string, long> totals, long all, long requests, int top)
{
    Console.WriteLine();
    Console.WriteLine($"## {title}");
    foreach (var (key, value) in totals.OrderByDescending(p => p.Value).Take(top))
    {
        var share = all > 0 ? 100.0 * value / all : 0;
        var perRequest = requests > 0 ? string.Create(CultureInfo.InvariantCulture, $" {value / (double)requests,8:0} B/req") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{share,6:0.0}%{perRequest}  {key}"));
    }
}
