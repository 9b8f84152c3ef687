using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// The built service (<c>dotnet Chatbot.Api.dll</c>) run as its own process on loopback, as a container runs it:
/// its own environment, stdout, a pid that signals reach, an exit code. Disposing kills it if it still runs.
/// </summary>
public sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiProcess(Process process) => _process = process;

    /// <summary>The folder holding the built service (Chatbot.Api.dll and its dependencies), like /app in the image.</summary>
    public static string ApplicationDirectory => Path.GetDirectoryName(typeof(Program).Assembly.Location)!;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the service wrote on stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the service on a free loopback port with these variables and none of the service's own inherited from
    /// the test run (every name of env.example, and ASP.NET Core's URL settings, are cleared first).
    /// </summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ApplicationDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(ApplicationDirectory, "Chatbot.Api.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var name in Repo.ServiceVariables.Concat(["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"]))
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var api = new ApiProcess(process);
        process.OutputDataReceived += (_, e) => api.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => api.OnLine(e.Data);
        process.Exited += (_, _) => api._listening.TrySetException(new InvalidOperationException("the service exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            api.BaseAddress = await api._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            var output = api.Output;
            await api.DisposeAsync();
            throw new AssertionException($"The service did not start.\n{output}", ex);
        }

        return api;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Sends SIGTERM, as <c>docker stop</c> and Kubernetes do.</summary>
    public Task TerminateAsync() => Signals.SendAsync(_process.Id, "TERM");

    /// <summary>Waits (at most <paramref name="timeout"/>) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new AssertionException($"The service did not exit within {timeout.TotalSeconds} s.\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Lines of the output containing <paramref name="text"/>.</summary>
    public int CountLines(string text) =>
        Output.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Not started, or already gone.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
