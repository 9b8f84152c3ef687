using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Chatbot.IntegrationTests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian's package) as a child process on a free loopback port, with nothing saved to
/// disk. It can be stopped and started again on the same port, as an outage looks to the service.
/// Tests that need one call <see cref="StartAsync"/>, which ignores the test when the package is missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/redis-server";

    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>What REDIS_URL is set to.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        if (!File.Exists(Executable))
        {
            Assert.Ignore("redis-server is not installed: apt-get install -y redis-server");
        }

        var server = new RedisServer(port ?? FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>A loopback port nobody listens on (for a Redis that is unreachable at start).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server on <see cref="Port"/> (again) and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode} on port {Port}");
            }

            if (await CommandAsync("PING") is ["+PONG"])
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"redis-server did not answer PING on port {Port} within 10 s");
    }

    /// <summary>Kills the server, as a crash or a network cut looks to its clients.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>
    /// Sends one inline command (e.g. <c>PING</c>, <c>KEYS chatbot:*</c>) and returns its reply: a status, error or
    /// integer line as it is (<c>+PONG</c>, <c>:42</c>), a bulk string or array as its items; null when nobody answers.
    /// </summary>
    public async Task<IReadOnlyList<string>?> CommandAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var first = await reader.ReadLineAsync(timeout.Token) ?? string.Empty;
            switch (first.Length > 0 ? first[0] : ' ')
            {
                case '$':
                    return first == "$-1" ? [] : [await reader.ReadLineAsync(timeout.Token) ?? string.Empty];
                case '*':
                    var items = new List<string>();
                    var count = int.Parse(first[1..], System.Globalization.CultureInfo.InvariantCulture);
                    for (var i = 0; i < count; i++)
                    {
                        _ = await reader.ReadLineAsync(timeout.Token);
                        items.Add(await reader.ReadLineAsync(timeout.Token) ?? string.Empty);
                    }

                    return items;
                default:
                    return [first];
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The keys that match <paramref name="pattern"/>.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string pattern) =>
        await CommandAsync("KEYS " + pattern) ?? throw new InvalidOperationException("redis-server did not answer");

    /// <summary>
    /// Waits until at least <paramref name="count"/> keys match <paramref name="pattern"/>, polling; false after
    /// <paramref name="timeout"/>. The answer cache writes to Redis just after it answered (write-behind).
    /// </summary>
    public async Task<bool> WaitForKeysAsync(string pattern, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if ((await CommandAsync("KEYS " + pattern))?.Count >= count)
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>Seconds to live of <paramref name="key"/>, as TTL answers (-1: none, -2: no such key).</summary>
    public async Task<long> TimeToLiveAsync(string key)
    {
        var reply = await CommandAsync("TTL " + key) ?? throw new InvalidOperationException("redis-server did not answer");
        return long.Parse(reply[0].TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
