using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// Debian's nginx running deploy/nginx/nginx.conf (rendered by <see cref="NginxConfig"/>) in the foreground as a child
/// process, on a free loopback port, with its pid, temporary files and logs in a temporary directory.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NginxProcess(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    public string Directory { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>nginx's error log and access log (both go to the standard streams).</summary>
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

    /// <summary>Skips the calling fixture, saying what to install, when nginx is not there.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Binary))
        {
            Assert.Ignore($"nginx is not installed ({Binary} is missing): install Debian's nginx (apt-get install -y nginx) to run the reverse-proxy tests.");
        }
    }

    /// <summary>Starts nginx with the shipped configuration, its upstream servers replaced by <paramref name="upstreams"/> (host:port).</summary>
    public static async Task<NginxProcess> StartAsync(params string[] upstreams)
    {
        // A port picked free can be taken by someone else before nginx binds it: try again with another.
        for (var attempt = 1; ; attempt++)
        {
            var nginx = Launch(upstreams);
            try
            {
                await nginx.WaitUntilListeningAsync();
                return nginx;
            }
            catch (AssertionException) when (attempt < 3 && nginx.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await nginx.DisposeAsync();
            }
            catch
            {
                await nginx.DisposeAsync();
                throw;
            }
        }
    }

    public HttpClient CreateClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Fast shutdown of master and workers; the whole tree is killed if that does not do it.
                await Signals.SendAsync(_process.Id, "TERM");
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Temporary files still held: left to the OS's /tmp cleaning.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }

    private static NginxProcess Launch(IReadOnlyList<string> upstreams)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("chatbot-nginx-").FullName;
        // Workers run as an unprivileged user when the tests run as root: they must reach the temporary files.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var port = FreePort.Next();
        var config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, NginxConfig.Render(NginxConfig.Shipped, upstreams, port, directory));

        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-p", directory + "/", "-c", config, "-e", "stderr", "-g", "daemon off;" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var nginx = new NginxProcess(process, directory, port);
        process.OutputDataReceived += (_, e) => nginx.Append(e.Data);
        process.ErrorDataReceived += (_, e) => nginx.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return nginx;
    }

    private async Task WaitUntilListeningAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            if (_process.HasExited)
            {
                break;
            }

            if (!await FreePort.IsRefusedAsync(Port) && !_process.HasExited)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new AssertionException($"nginx did not start listening on port {Port}.\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
