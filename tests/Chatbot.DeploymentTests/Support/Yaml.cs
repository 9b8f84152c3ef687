using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// YAML as plain values: mappings are <see cref="Dictionary{TKey,TValue}"/> (string keys), sequences lists, scalars strings
/// (null for an empty value). Anchors, aliases and merge keys (<c>&lt;&lt;: *anchor</c>) are resolved, as Compose does.
/// </summary>
public static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every document of a (multi-document) YAML text.</summary>
    public static IReadOnlyList<YamlValue> Documents(string text)
    {
        var parser = new MergingParser(new Parser(new StringReader(text)));
        var documents = new List<YamlValue>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = Deserializer.Deserialize<object?>(parser);
            if (document is not null)
            {
                documents.Add(new YamlValue(Normalise(document)));
            }
        }

        return documents;
    }

    public static YamlValue Document(string text) => Documents(text).Single();

    private static object? Normalise(object? value) => value switch
    {
        IDictionary<object, object?> map => map.ToDictionary(kv => Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture)!, kv => Normalise(kv.Value), StringComparer.Ordinal),
        IList<object?> list => list.Select(Normalise).ToList(),
        _ => value,
    };
}

/// <summary>A node of a YAML document, navigated by key or index; missing keys give an empty node.</summary>
public readonly record struct YamlValue(object? Raw)
{
    public YamlValue this[string key] => Raw is Dictionary<string, object?> map && map.TryGetValue(key, out var value) ? new YamlValue(value) : default;

    public YamlValue this[int index] => Raw is List<object?> list && index < list.Count ? new YamlValue(list[index]) : default;

    public bool Exists => Raw is not null;

    public bool IsMap => Raw is Dictionary<string, object?>;

    public bool IsList => Raw is List<object?>;

    public string? Text => Raw as string;

    public int? Int => int.TryParse(Text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    public IReadOnlyList<YamlValue> Items => Raw is List<object?> list ? list.Select(v => new YamlValue(v)).ToList() : [];

    public IReadOnlyDictionary<string, YamlValue> Entries =>
        Raw is Dictionary<string, object?> map ? map.ToDictionary(kv => kv.Key, kv => new YamlValue(kv.Value), StringComparer.Ordinal) : new Dictionary<string, YamlValue>();

    public IReadOnlyList<string> Keys => Raw is Dictionary<string, object?> map ? [.. map.Keys] : [];

    /// <summary>A path of keys separated by dots, e.g. <c>spec.template.spec</c>.</summary>
    public YamlValue At(string path) => path.Split('.').Aggregate(this, (node, key) => node[key]);

    public override string ToString() => Raw?.ToString() ?? "(none)";
}
