using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Chatbot.FakeProvider;

/// <summary>The OpenAI wire format the fake provider reads and writes (hand-written with Utf8JsonWriter).</summary>
internal static class OpenAiJson
{
    // Like the real APIs: non-ASCII text and quotes as themselves, not \uXXXX escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly byte[] ModelsBody = Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        w.WriteStartObject();
        w.WriteString("id", FakeResponse.DefaultModel);
        w.WriteString("object", "model");
        w.WriteNumber("created", 1_700_000_000);
        w.WriteString("owned_by", "chatbot-fake-provider");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static string NewCompletionId() => "chatcmpl-fake-" + Guid.NewGuid().ToString("N");

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static byte[] Completion(string id, string model, string content, int promptTokens, int completionTokens, long? created = null) =>
        Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", created ?? Now());
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", content);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", "stop");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", promptTokens);
            w.WriteNumber("completion_tokens", completionTokens);
            w.WriteNumber("total_tokens", promptTokens + completionTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    public static string CompletionString(string id, string model, string content, int promptTokens, int completionTokens) =>
        Encoding.UTF8.GetString(Completion(id, model, content, promptTokens, completionTokens));

    /// <summary>One SSE event line pair: <c>data: {chunk}\n\n</c>. A null piece is the final, empty-delta stop chunk.</summary>
    public static byte[] ChunkEvent(string id, long created, string model, string? piece)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("data: "u8);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (piece is not null)
            {
                w.WriteString("content", piece);
            }

            w.WriteEndObject();
            if (piece is null)
            {
                w.WriteString("finish_reason", "stop");
            }
            else
            {
                w.WriteNull("finish_reason");
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    public static byte[] Error(string message, string type, string? code = null) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        if (code is null)
        {
            w.WriteNull("code");
        }
        else
        {
            w.WriteString("code", code);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static byte[] Error(int status) => Error(
        $"Fake provider error: HTTP {status}.",
        status switch
        {
            400 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            408 => "timeout_error",
            429 => "rate_limit_error",
            >= 500 => "server_error",
            _ => "api_error",
        });

    public static string ErrorString(int status) => Encoding.UTF8.GetString(Error(status));

    /// <summary>
    /// Splits a text into word pieces that concatenate back to it exactly: a piece starts where a run of
    /// white space begins ("Fake answer to: hi" → "Fake", " answer", " to:", " hi").
    /// </summary>
    public static List<string> SplitWords(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]))
            {
                pieces.Add(text[start..i]);
                start = i;
            }
        }

        if (text.Length > 0)
        {
            pieces.Add(text[start..]);
        }

        return pieces;
    }

    /// <summary>What the fake needs from a chat-completion request body; tolerant of anything that is not JSON.</summary>
    public static ChatRequestInfo ParseChatRequest(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return ChatRequestInfo.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ChatRequestInfo.Empty;
            }

            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } name
                ? name
                : FakeResponse.DefaultModel;
            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var lastUser = string.Empty;
            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    if (message.ValueKind == JsonValueKind.Object
                        && message.TryGetProperty("role", out var role)
                        && role.ValueKind == JsonValueKind.String
                        && role.ValueEquals("user"))
                    {
                        lastUser = message.TryGetProperty("content", out var content) ? ContentText(content) : string.Empty;
                    }
                }
            }

            return new ChatRequestInfo(model, stream, lastUser);
        }
        catch (JsonException)
        {
            return ChatRequestInfo.Empty;
        }
    }

    // "content" is either a string or an array of parts such as {"type":"text","text":"..."}.
    private static string ContentText(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() ?? string.Empty;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object
                        && part.TryGetProperty("text", out var t)
                        && t.ValueKind == JsonValueKind.String)
                    {
                        text.Append(t.GetString());
                    }
                }

                return text.ToString();
            default:
                return string.Empty;
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The parts of a chat-completion request the fake provider looks at.</summary>
internal readonly record struct ChatRequestInfo(string Model, bool Stream, string LastUserContent)
{
    public static readonly ChatRequestInfo Empty = new(FakeResponse.DefaultModel, false, string.Empty);

    public string DefaultAnswer => FakeResponse.DefaultAnswerPrefix + LastUserContent;
}
