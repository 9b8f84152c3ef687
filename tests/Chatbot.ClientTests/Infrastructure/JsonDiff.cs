using System.Globalization;
using System.Text.Json.Nodes;

namespace Chatbot.ClientTests.Infrastructure;

/// <summary>
/// The differences between two JSON documents, as JSON paths: objects compare by key whatever the key order,
/// arrays element by element, numbers by value.
/// </summary>
public static class JsonDiff
{
    public static IReadOnlyList<string> Between(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Compare("$", expected, actual, differences);
        return differences;
    }

    private static void Compare(string path, JsonNode? expected, JsonNode? actual, List<string> differences)
    {
        switch (expected, actual)
        {
            case (null, null):
                return;
            case (JsonObject e, JsonObject a):
                foreach (var (key, value) in e)
                {
                    if (a.TryGetPropertyValue(key, out var other))
                    {
                        Compare(Child(path, key), value, other, differences);
                    }
                    else
                    {
                        differences.Add($"{Child(path, key)}: only in the committed document");
                    }
                }

                foreach (var (key, _) in a)
                {
                    if (!e.ContainsKey(key))
                    {
                        differences.Add($"{Child(path, key)}: only in the served document");
                    }
                }

                return;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    var item = $"{path}[{i}]";
                    if (i >= a.Count)
                    {
                        differences.Add($"{item}: only in the committed document");
                    }
                    else if (i >= e.Count)
                    {
                        differences.Add($"{item}: only in the served document");
                    }
                    else
                    {
                        Compare(item, e[i], a[i], differences);
                    }
                }

                return;
            case (JsonValue e, JsonValue a) when SameValue(e, a):
                return;
            default:
                differences.Add($"{path}: committed {Show(expected)}, served {Show(actual)}");
                return;
        }
    }

    private static bool SameValue(JsonValue expected, JsonValue actual)
    {
        var e = expected.GetValueKind();
        var a = actual.GetValueKind();
        if (e != a)
        {
            return false;
        }

        return e switch
        {
            JsonValueKind.Number => decimal.Parse(expected.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
                == decimal.Parse(actual.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            JsonValueKind.String => expected.GetValue<string>() == actual.GetValue<string>(),
            _ => true, // true, false, null: the kind is the value
        };
    }

    private static string Child(string path, string key) =>
        key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? $"{path}.{key}" : $"{path}['{key}']";

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 80 ? text : text[..77] + "...";
    }
}
