using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// .dockerignore rules as Docker applies them: patterns relative to the context root, <c>*</c> and <c>?</c> within a
/// path segment, <c>**</c> across segments, <c>!</c> re-includes, the last matching rule wins, and excluding a
/// folder excludes what it holds.
/// </summary>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Exclude)> _rules;

    private DockerIgnore(IReadOnlyList<(Regex Pattern, bool Exclude)> rules) => _rules = rules;

    public static DockerIgnore Parse(string text)
    {
        var rules = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = line.TrimStart('!').Trim().Trim('/');
            rules.Add((new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant), exclude));
        }

        return new DockerIgnore(rules);
    }

    /// <summary>True when <paramref name="path"/> (relative, '/'-separated) is left out of the build context.</summary>
    public bool Excludes(string path)
    {
        var segments = path.Trim('/').Split('/');
        var excluded = false;
        // A path is excluded when it, or a folder above it, is.
        for (var depth = 1; depth <= segments.Length; depth++)
        {
            var prefix = string.Join('/', segments.Take(depth));
            foreach (var (pattern, exclude) in _rules)
            {
                if (pattern.IsMatch(prefix))
                {
                    excluded = exclude;
                }
            }

            if (excluded)
            {
                return true;
            }
        }

        return excluded;
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.ToString();
    }
}
