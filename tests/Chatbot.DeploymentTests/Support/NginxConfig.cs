using System.Globalization;
using System.Text.RegularExpressions;

namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// deploy/nginx/nginx.conf rendered for a test run. Only what its header comment names changes: the addresses of the
/// upstream <c>server</c> lines, the <c>listen</c> port, and the directory <c>/tmp/</c> of the pid and temporary files.
/// </summary>
public static partial class NginxConfig
{
    public const string RelativePath = "deploy/nginx/nginx.conf";
    private const string BeginMarker = "# upstream-servers:begin";
    private const string EndMarker = "# upstream-servers:end";

    public static string Shipped => Repo.Read(RelativePath);

    /// <summary>The <c>host:port</c> of each upstream server line, in order.</summary>
    public static IReadOnlyList<string> UpstreamAddresses(string config) =>
        UpstreamLines(config).Select(line => ServerLine().Match(config.Split('\n')[line]).Groups["address"].Value).ToList();

    /// <summary>The shipped file with the upstream addresses, the port and the temporary directory replaced.</summary>
    public static string Render(string shipped, IReadOnlyList<string> upstreams, int port, string directory)
    {
        var lines = shipped.Split('\n');
        var serverLines = UpstreamLines(shipped);
        if (serverLines.Count != upstreams.Count)
        {
            throw new ArgumentException($"{RelativePath} has {serverLines.Count} upstream servers; give as many addresses ({upstreams.Count} given).", nameof(upstreams));
        }

        for (var i = 0; i < serverLines.Count; i++)
        {
            var index = serverLines[i];
            var match = ServerLine().Match(lines[index]);
            var address = match.Groups["address"];
            lines[index] = lines[index][..address.Index] + upstreams[i] + lines[index][(address.Index + address.Length)..];
        }

        var listens = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var listen = ListenLine().Match(lines[i]);
            if (listen.Success)
            {
                var port0 = listen.Groups["port"];
                lines[i] = lines[i][..port0.Index] + string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}") + lines[i][(port0.Index + port0.Length)..];
                listens++;
            }

            if (!lines[i].TrimStart().StartsWith('#'))
            {
                lines[i] = lines[i].Replace("/tmp/", directory.TrimEnd('/') + "/", StringComparison.Ordinal);
            }
        }

        if (listens != 1)
        {
            throw new ArgumentException($"{RelativePath} should have exactly one listen line, found {listens}.", nameof(shipped));
        }

        return string.Join('\n', lines);
    }

    // Indexes of the `server host:port ...;` lines between the markers.
    private static List<int> UpstreamLines(string config)
    {
        var lines = config.Split('\n');
        var begin = Array.FindIndex(lines, l => l.Trim() == BeginMarker);
        var end = Array.FindIndex(lines, l => l.Trim() == EndMarker);
        if (begin < 0 || end < begin)
        {
            throw new ArgumentException($"{RelativePath} lacks the '{BeginMarker}' / '{EndMarker}' lines.", nameof(config));
        }

        return Enumerable.Range(begin + 1, end - begin - 1).Where(i => ServerLine().IsMatch(lines[i])).ToList();
    }

    [GeneratedRegex(@"^\s*server\s+(?<address>[^\s;]+)")]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"^\s*listen\s+(?<port>[^\s;]+)")]
    private static partial Regex ListenLine();
}
