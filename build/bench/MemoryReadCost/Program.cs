using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In process (no generated project to build), a short job: the figures differ by orders of magnitude.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkRunner.Run<MemoryReads>(config, args);

/// <summary>One read of the process's memory, as a request would do it.</summary>
[MemoryDiagnoser]
public class MemoryReads
{
    private long _cachedWorkingSet;

    /// <summary>The sampler's write, done once here (the service does it every 250 ms off the request path).</summary>
    [GlobalSetup]
    public void Sample() => Volatile.Write(ref _cachedWorkingSet, Environment.WorkingSet);

    /// <summary>What the service reads per request now: the last sample, a volatile field load.</summary>
    [Benchmark]
    public long CachedField() => Volatile.Read(ref _cachedWorkingSet);

    /// <summary>What the prototype read twice per request: the resident set, from /proc on Linux.</summary>
    [Benchmark]
    public long EnvironmentWorkingSet() => Environment.WorkingSet;

    /// <summary>The other usual way, for comparison.</summary>
    [Benchmark]
    public long ProcessWorkingSet64()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>A cheap managed figure that needs no system call (not the resident set).</summary>
    [Benchmark]
    public long GcTotalMemory() => GC.GetTotalMemory(forceFullCollection: false);
}
