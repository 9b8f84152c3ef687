using System.Globalization;
using System.Runtime.InteropServices;

namespace Chatbot.FakeProvider;

/// <summary>
/// Standalone fake provider for benchmarks and demos:
/// <c>dotnet run --project tests/Chatbot.FakeProvider -- --port 9100 [options]</c>. Runs until Ctrl+C or SIGTERM.
/// </summary>
/// <remarks>Not called <c>Program</c>: the integration tests reference this project and the API's top-level Program.</remarks>
public static class FakeProviderProgram
{
    public const int DefaultPort = 9100;

    private const string Usage = """
        Usage: Chatbot.FakeProvider [options]
          --port N               port on 127.0.0.1 (default 9100; 0 picks a free one)
          --latency-ms N         fixed delay per chat completion, in milliseconds
          --latency-min-ms A     with --latency-max-ms: delay uniform in [A, B] ms
          --latency-max-ms B
          --fail-500 F           fraction (0..1) of chat completions answered with a 500
          --fail-429 F           fraction (0..1) of chat completions answered with a 429 (Retry-After: 1)
          --fast                 one pre-serialised completion body, request not read (throughput benchmarks)
          --stats                print request counts on exit
          --help                 this text
        """;

    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? error;
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (!TryParse(args, out var options, out var printStats, out error))
        {
            await Console.Error.WriteLineAsync($"Chatbot.FakeProvider: {error}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // Shut down cleanly (and print the stats) instead of being killed.
            stop.TrySetResult();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        FakeProviderServer server;
        try
        {
            server = await FakeProviderServer.StartAsync(options, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync(
                $"Chatbot.FakeProvider: cannot listen on 127.0.0.1:{options.Port.ToString(CultureInfo.InvariantCulture)}: {ex.Message}")
                .ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            Console.WriteLine($"Fake provider listening on {server.BaseUrl.GetLeftPart(UriPartial.Authority)}");
            await stop.Task.ConfigureAwait(false);
        }

        if (printStats)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Fake provider stats: requests={server.TotalRequests} chat_completions={server.ChatCompletionCalls} " +
                $"injected_500={server.InjectedServerErrors} injected_429={server.InjectedRateLimits} cancelled={server.CancelledRequests}"));
        }

        return 0;
    }

    internal static bool TryParse(string[] args, out FakeProviderOptions options, out bool printStats, out string? error)
    {
        options = new FakeProviderOptions();
        printStats = false;
        error = null;

        var port = DefaultPort;
        int? latency = null, latencyMin = null, latencyMax = null;
        double fail500 = 0, fail429 = 0;
        var fast = false;

        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string? inlineValue = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }

            switch (name)
            {
                case "--fast":
                    fast = true;
                    continue;
                case "--stats":
                    printStats = true;
                    continue;
                case "--port" or "--latency-ms" or "--latency-min-ms" or "--latency-max-ms" or "--fail-500" or "--fail-429":
                    break;
                default:
                    error = $"unknown option '{args[i]}'.";
                    return false;
            }

            var value = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
            if (value is null)
            {
                error = $"{name} needs a value.";
                return false;
            }

            switch (name)
            {
                case "--port" when TryInt(value, 0, 65535, out var p):
                    port = p;
                    break;
                case "--latency-ms" when TryInt(value, 0, int.MaxValue, out var ms):
                    latency = ms;
                    break;
                case "--latency-min-ms" when TryInt(value, 0, int.MaxValue, out var ms):
                    latencyMin = ms;
                    break;
                case "--latency-max-ms" when TryInt(value, 0, int.MaxValue, out var ms):
                    latencyMax = ms;
                    break;
                case "--fail-500" when TryFraction(value, out var f):
                    fail500 = f;
                    break;
                case "--fail-429" when TryFraction(value, out var f):
                    fail429 = f;
                    break;
                default:
                    error = $"invalid value '{value}' for {name}.";
                    return false;
            }
        }

        if (latency is not null && (latencyMin is not null || latencyMax is not null))
        {
            error = "use either --latency-ms or --latency-min-ms/--latency-max-ms, not both.";
            return false;
        }

        if ((latencyMin is null) != (latencyMax is null))
        {
            error = "--latency-min-ms and --latency-max-ms go together.";
            return false;
        }

        if (latencyMin > latencyMax)
        {
            error = "--latency-min-ms is greater than --latency-max-ms.";
            return false;
        }

        if (fail500 + fail429 > 1)
        {
            error = "--fail-500 and --fail-429 add up to more than 1.";
            return false;
        }

        options = new FakeProviderOptions
        {
            Port = port,
            RecordRequests = false, // A long-running process must not keep every request.
            CountRequests = !fast || printStats,
            Fast = fast,
            LatencyMin = TimeSpan.FromMilliseconds(latency ?? latencyMin ?? 0),
            LatencyMax = TimeSpan.FromMilliseconds(latency ?? latencyMax ?? 0),
            Fail500Rate = fail500,
            Fail429Rate = fail429,
        };
        return true;
    }

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TryFraction(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value is >= 0 and <= 1;
}
