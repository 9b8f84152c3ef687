using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Chatbot.Api.Contracts;

/// <summary>
/// A <see cref="JsonElement"/> whose strings are checked as UTF-8 while the body is read. The reader keeps a string's
/// bytes as they came; without this, bytes that are not UTF-8 in a message's content would fail only later, when the
/// text is read (a 500). Reading each string here makes them fail as a <c>string</c> field's do: a 400 at binding.
/// </summary>
public sealed class Utf8CheckedJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // A copy: the reader itself still stands on the value's first token. The serializer has buffered the whole value.
        var scan = reader;
        ReadString(ref scan);
        if (scan.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = scan.CurrentDepth;
            while (scan.Read() && scan.CurrentDepth > depth)
            {
                ReadString(ref scan);
            }
        }

        return JsonElement.ParseValue(ref reader);
    }

    // Bytes that are not UTF-8 throw the serializer's own InvalidOperationException here (a DecoderFallbackException
    // inside), which it reports with the path, as it does for a string field.
    // Unescaped valid UTF-8 (nearly every string) is checked in place, without decoding it into a string.
    private static void ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
            && (reader.ValueIsEscaped || reader.HasValueSequence || !Utf8.IsValid(reader.ValueSpan)))
        {
            _ = reader.GetString();
        }
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        value.WriteTo(writer);
    }
}
