using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Chatbot.Api.ErrorHandling;

/// <summary>The JSON type a contract expects at a path, in words: "a string", "an array of objects".</summary>
public static class JsonTypeNames
{
    /// <summary>What <paramref name="root"/> expects at <paramref name="path"/> (<c>messages[0].role</c>), or null when the path leaves the contract.</summary>
    public static string? Expected(JsonSerializerOptions options, Type root, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(path);

        // Options not yet used by a serializer have no resolver: read their contract through a copy that has one.
        if (options.TypeInfoResolver is null)
        {
            options = new JsonSerializerOptions(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        }

        var type = root;
        foreach (var segment in Segments(path))
        {
            var info = options.GetTypeInfo(type);
            Type? next = segment is null
                ? info.ElementType
                : info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.Ordinal))?.PropertyType;
            if (next is null)
            {
                return null;
            }

            type = next;
        }

        return Describe(options, type, plural: false);
    }

    // "messages[0].role" → "messages", null (an index), "role".
    private static IEnumerable<string?> Segments(string path)
    {
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            yield return bracket < 0 ? part : part[..bracket];
            for (var i = bracket; i >= 0; i = part.IndexOf('[', i + 1))
            {
                yield return null;
            }
        }
    }

    private static string? Describe(JsonSerializerOptions options, Type type, bool plural)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var info = options.GetTypeInfo(type);
        string? Word(string one, string many) => plural ? many : one;
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable when info.ElementType is { } element =>
                Word("an array", "arrays") + (Describe(options, element, plural: true) is { } of ? " of " + of : string.Empty),
            JsonTypeInfoKind.Object => Word("an object", "objects"),
            _ when type == typeof(string) => Word("a string", "strings"),
            _ when type == typeof(bool) => Word("a boolean", "booleans"),
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => Word("an integer", "integers"),
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => Word("a number", "numbers"),
            _ => null,
        };
    }
}
