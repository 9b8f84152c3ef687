using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.DeploymentTests.Support;

/// <summary>One instruction of a Dockerfile, continuation lines joined.</summary>
/// <param name="Keyword">Upper-case instruction (FROM, COPY, RUN, ...).</param>
/// <param name="Flags">The leading <c>--name=value</c> flags (COPY --from, HEALTHCHECK --interval, ...).</param>
/// <param name="Arguments">The rest of the line after the flags.</param>
/// <param name="Line">1-based line where the instruction starts.</param>
public sealed record DockerInstruction(string Keyword, IReadOnlyDictionary<string, string> Flags, string Arguments, int Line)
{
    /// <summary>The arguments as words: the JSON (exec) form parsed, else split on white space.</summary>
    public IReadOnlyList<string> Words => Dockerfile.Words(Arguments);
}

/// <summary>A build stage: the FROM instruction and those after it.</summary>
public sealed record DockerStage(string? Name, string BaseImage, int Index, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
}

/// <summary>A small Dockerfile reader: enough to check structure (stages, COPY sources, order), not a builder.</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerInstruction> instructions, IReadOnlyDictionary<string, string> globalArgs, IReadOnlyList<DockerStage> stages)
    {
        Instructions = instructions;
        GlobalArgs = globalArgs;
        Stages = stages;
    }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    /// <summary>ARGs declared before the first FROM, with their defaults.</summary>
    public IReadOnlyDictionary<string, string> GlobalArgs { get; }

    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>The last stage: what <c>docker build .</c> produces.</summary>
    public DockerStage Final => Stages[^1];

    public DockerStage Stage(string name) =>
        Stages.SingleOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AssertionException($"The Dockerfile has no stage named '{name}'.");

    /// <summary>The chain of stages a stage builds on (its FROM another stage), itself last.</summary>
    public IReadOnlyList<DockerStage> Lineage(DockerStage stage)
    {
        var chain = new List<DockerStage> { stage };
        for (var parent = StageNamed(stage.BaseImage); parent is not null; parent = StageNamed(parent.BaseImage))
        {
            chain.Insert(0, parent);
        }

        return chain;
    }

    public DockerStage? StageNamed(string name) =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        var startLine = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.StartsWith('#') || (trimmed.Length == 0 && current.Length == 0))
            {
                continue; // Comments (also between continuation lines) and blank lines.
            }

            if (current.Length == 0)
            {
                startLine = i + 1;
            }

            if (trimmed.EndsWith('\\'))
            {
                current.Append(trimmed[..^1]).Append(' ');
                continue;
            }

            current.Append(trimmed);
            instructions.Add(ParseInstruction(current.ToString(), startLine));
            current.Clear();
        }

        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var arg in instructions.TakeWhile(i => i.Keyword != "FROM").Where(i => i.Keyword == "ARG"))
        {
            var parts = arg.Arguments.Split('=', 2);
            globalArgs[parts[0].Trim()] = parts.Length > 1 ? parts[1].Trim() : string.Empty;
        }

        var stages = new List<DockerStage>();
        for (var i = 0; i < instructions.Count; i++)
        {
            if (instructions[i].Keyword != "FROM")
            {
                continue;
            }

            var words = instructions[i].Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var image = Substitute(words[0], globalArgs);
            var name = words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
            var body = instructions.Skip(i).TakeWhile((instruction, n) => n == 0 || instruction.Keyword != "FROM").ToList();
            stages.Add(new DockerStage(name, image, stages.Count, body));
        }

        return new Dockerfile(instructions, globalArgs, stages);
    }

    /// <summary>The exec form (<c>["a", "b"]</c>) parsed as JSON, else the shell form split on white space.</summary>
    public static IReadOnlyList<string> Words(string arguments)
    {
        var trimmed = arguments.Trim();
        if (trimmed.StartsWith('['))
        {
            return JsonSerializer.Deserialize<string[]>(trimmed) ?? [];
        }

        return trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Substitute(string value, IReadOnlyDictionary<string, string> args) =>
        ArgReference().Replace(value, m => args.TryGetValue(m.Groups["name"].Value, out var v) ? v : m.Value);

    private static DockerInstruction ParseInstruction(string text, int line)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var keyword = (space < 0 ? text : text[..space]).ToUpperInvariant();
        var rest = space < 0 ? string.Empty : text[(space + 1)..].Trim();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var end = rest.IndexOf(' ', StringComparison.Ordinal);
            var flag = end < 0 ? rest : rest[..end];
            var parts = flag[2..].Split('=', 2);
            flags[parts[0]] = parts.Length > 1 ? parts[1] : string.Empty;
            rest = end < 0 ? string.Empty : rest[(end + 1)..].TrimStart();
        }

        return new DockerInstruction(keyword, flags, rest, line);
    }

    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex ArgReference();
}
