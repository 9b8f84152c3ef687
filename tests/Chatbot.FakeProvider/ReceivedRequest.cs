using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Chatbot.FakeProvider;

/// <summary>One HTTP request the fake provider received (any route).</summary>
/// <param name="Method">HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">Request path plus query string, exactly as received, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Headers">Request headers; names lower-case, looked up case-insensitively; repeated values joined with a comma.</param>
/// <param name="Body">The request body as UTF-8 text (empty when there was none).</param>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>When the fake received the request's headers (UTC).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The body parsed as JSON (a detached copy). Throws <see cref="JsonException"/> when the body is not JSON.</summary>
    public JsonElement BodyJson
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    /// <summary>The body parsed as JSON; the caller disposes the document.</summary>
    public JsonDocument Json() => JsonDocument.Parse(Body);

    /// <summary>The value of header <paramref name="name"/> (any case), or null.</summary>
    public string? Header(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Headers.TryGetValue(name, out var value) || Headers.TryGetValue(name.ToLowerInvariant(), out value)
            ? value
            : null;
    }

    // Not the compiler's: that one would print BodyJson, which throws for a body that is not JSON.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Method = {Method}, Path = {Path}, Headers = [{Headers.Count}], Body = {Body}");
        return true;
    }
}
