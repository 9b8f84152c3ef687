using System.Reflection;
using System.Text.Json.Nodes;

namespace Chatbot.ClientTests.Infrastructure;

/// <summary>The committed <c>docs/openapi.json</c>, from which the client is generated.</summary>
public static class CommittedDocument
{
    /// <summary>The command that rewrites the committed document from what the service serves.</summary>
    public const string RefreshCommand = "bash build/refresh-openapi.sh";

    /// <summary>Full path of <c>docs/openapi.json</c> in the checkout this assembly was built from.</summary>
    public static string Path { get; } = typeof(CommittedDocument).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OpenApiDocument").Value!;

    public static JsonNode Read() =>
        JsonNode.Parse(File.ReadAllText(Path)) ?? throw new InvalidDataException($"{Path} holds JSON null.");

    /// <summary>The statuses the document lists for <c>POST /question</c>.</summary>
    public static IReadOnlyList<int> QuestionStatuses()
    {
        var responses = Read()["paths"]?["/question"]?["post"]?["responses"]?.AsObject()
            ?? throw new InvalidDataException($"{Path} has no responses for POST /question.");
        return [.. responses.Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).Order()];
    }
}
