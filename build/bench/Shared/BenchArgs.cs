using System.Globalization;

namespace Chatbot.Bench.Shared;

/// <summary>
/// The command line of the small load tools in build/bench (StreamLoad, SdkStreamProbe): <c>--name value</c> pairs
/// only; an unknown name or a missing value stops the tool with exit code 2.
/// </summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known;

    private BenchArgs(IEnumerable<string> known) => _known = [.. known];

    public static BenchArgs Parse(string[] args, string usage, params string[] known)
    {
        var parsed = new BenchArgs(known);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                Console.WriteLine(usage);
                Environment.Exit(0);
            }

            if (!parsed._known.Contains(name) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine(parsed._known.Contains(name) ? $"{name} needs a value" : $"unknown option '{name}'");
                Console.Error.WriteLine(usage);
                Environment.Exit(2);
            }

            parsed._values[name] = args[++i];
        }

        return parsed;
    }

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Console.Error.WriteLine($"{name}: '{text}' is not a whole number in [{min}, {max}]");
            Environment.Exit(2);
        }

        return value;
    }
}

/// <summary>Percentiles (nearest rank) of a set of milliseconds, printed with one decimal.</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static List<double> Sorted(IEnumerable<double> values)
    {
        var list = values.ToList();
        list.Sort();
        return list;
    }

    /// <summary><c>NAME_p50=.. NAME_p99=.. NAME_max=..</c> (ms, one decimal; <c>n/a</c> when empty).</summary>
    public static string Summary(string name, IEnumerable<double> values)
    {
        var sorted = Sorted(values);
        return $"{name}_p50={Ms(Of(sorted, 50))} {name}_p99={Ms(Of(sorted, 99))} {name}_max={Ms(sorted.Count == 0 ? double.NaN : sorted[^1])}";
    }

    public static string Ms(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>A short name for why a request failed: <c>timeout</c>, <c>request_ConnectionError_ConnectionRefused</c>, ...</summary>
internal static class ErrorKinds
{
    public static string Of(Exception ex, bool pastDeadline)
    {
        var socket = SocketError(ex);
        return ex switch
        {
            OperationCanceledException when pastDeadline => "timeout",
            OperationCanceledException => "cancelled",
            HttpRequestException http => "request_" + http.HttpRequestError + socket,
            IOException => "io" + socket,
            _ => ex.GetType().Name,
        };
    }

    private static string SocketError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Net.Sockets.SocketException socket)
            {
                return "_" + socket.SocketErrorCode;
            }
        }

        return string.Empty;
    }
}
