using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.IntegrationTests.Infrastructure;

/// <summary>
/// The built service run as its own process on real Kestrel, as a user runs it: environment variables,
/// a working directory (for .env), stdout and stderr, an exit code.
/// </summary>
public sealed partial class ApiProcess : IAsyncDisposable
{
    // Every variable the service declares (DOTENV_FILE among them: tests of .env find their own file), and ASP.NET Core's.
    private static readonly string[] OwnVariables =
    [
        .. Chatbot.Infrastructure.Configuration.Variables.All.Select(v => v.Name),
        "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT",
    ];

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiProcess(Process process) => _process = process;

    public Uri? BaseAddress { get; private set; }

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Starts the service with exactly these variables of its own (nothing inherited from the test run),
    /// on a free loopback port unless <paramref name="args"/> say otherwise.
    /// </summary>
    public static ApiProcess Start(IReadOnlyDictionary<string, string> environment, string? workingDirectory = null, string[]? args = null)
    {
        var apiDll = typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(apiDll);
        foreach (var arg in args ?? ["--urls", "http://127.0.0.1:0"])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in OwnVariables)
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var api = new ApiProcess(process);
        process.OutputDataReceived += (_, e) => api.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (api._stderr) { api._stderr.AppendLine(e.Data); }
            }
        };
        process.Exited += (_, _) => api._listening.TrySetException(new InvalidOperationException("the service exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    /// <summary>Waits until Kestrel listens; throws with the output if the process exits first.</summary>
    public async Task<HttpClient> WaitUntilListeningAsync(TimeSpan? timeout = null)
    {
        try
        {
            BaseAddress = await _listening.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            throw new AssertionException($"The service did not start.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}", ex);
        }

        return new HttpClient { BaseAddress = BaseAddress };
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stdout) { _stdout.AppendLine(line); }
        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
