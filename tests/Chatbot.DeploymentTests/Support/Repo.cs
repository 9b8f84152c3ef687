using System.Reflection;
using System.Text.RegularExpressions;

namespace Chatbot.DeploymentTests.Support;

/// <summary>The checkout under test: its root, its files, and the variables the service knows.</summary>
public static partial class Repo
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);
    private static readonly Lazy<IReadOnlySet<string>> LazyVariables = new(ReadVariables);
    private static readonly Lazy<IReadOnlySet<string>> LazyRouteKeys = new(ReadRouteKeys);

    /// <summary>The repository root (holds Chatbot.sln).</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>
    /// Every configuration variable of the service: the names env.example lists (set or commented out), so the
    /// list grows with env.example and never needs editing here.
    /// </summary>
    public static IReadOnlySet<string> ServiceVariables => LazyVariables.Value;

    /// <summary>
    /// Variables the deployment files set before the service reads them, each with the issue that adds it to
    /// env.example. Once env.example lists a name, its entry here changes nothing and can go.
    /// </summary>
    public static IReadOnlySet<string> PlannedVariables { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The variables deploy/routes.example.json names for its keys (<c>apiKeyEnv</c>): the operator's own, which no
    /// declaration lists, but env.example shows and deployment files may set.
    /// </summary>
    public static IReadOnlySet<string> RouteKeyVariables => LazyRouteKeys.Value;

    /// <summary><see cref="ServiceVariables"/> and <see cref="PlannedVariables"/>.</summary>
    public static IReadOnlySet<string> KnownVariables => ServiceVariables.Union(PlannedVariables).ToHashSet(StringComparer.Ordinal);

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static bool Exists(string relative) => File.Exists(PathOf(relative)) || Directory.Exists(PathOf(relative));

    /// <summary>Names of env.example's variables: <c>NAME=value</c> lines and commented-out <c># NAME=value</c> lines.</summary>
    public static IReadOnlySet<string> VariablesOf(string envFileText) =>
        envFileText.Split('\n')
            .Select(line => VariableLine().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> ReadVariables() => [.. VariablesOf(Read("env.example"))];

    private static HashSet<string> ReadRouteKeys()
    {
        using var routes = System.Text.Json.JsonDocument.Parse(Read("deploy/routes.example.json"));
        return routes.RootElement.GetProperty("routes").EnumerateArray()
            .Where(route => route.TryGetProperty("apiKeyEnv", out _))
            .Select(route => route.GetProperty("apiKeyEnv").GetString()!)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static string FindRoot()
    {
        var fromBuild = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        foreach (var candidate in new[] { fromBuild, AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = candidate is null ? null : new DirectoryInfo(candidate); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Chatbot.sln")) && File.Exists(Path.Combine(dir.FullName, "env.example")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("The repository root (Chatbot.sln, env.example) was not found.");
    }

    [GeneratedRegex(@"^\s*#?\s*(?:export\s+)?(?<name>[A-Z][A-Z0-9_]*)=")]
    private static partial Regex VariableLine();
}
