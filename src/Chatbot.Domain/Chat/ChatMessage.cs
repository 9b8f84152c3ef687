namespace Chatbot.Domain.Chat;

/// <summary>Who wrote a message of a conversation. String-backed, as Microsoft.Extensions.AI's roles are: a role is its name.</summary>
public readonly record struct ChatRole(string Value)
{
    public static ChatRole System { get; } = new("system");

    /// <summary>OpenAI's newer name for instructions from the application; kept apart from system, not rewritten.</summary>
    public static ChatRole Developer { get; } = new("developer");

    public static ChatRole User { get; } = new("user");

    public static ChatRole Assistant { get; } = new("assistant");

    /// <summary>The answer to a tool call the assistant made.</summary>
    public static ChatRole Tool { get; } = new("tool");

    public static IReadOnlyList<ChatRole> All { get; } = [System, Developer, User, Assistant, Tool];

    /// <summary>Instructions rather than conversation: system or developer.</summary>
    public bool IsInstruction => this == System || this == Developer;

    public override string ToString() => Value;
}

/// <summary>
/// One message of a conversation. Its content is a string (<see cref="Content"/>) or parts (<see cref="Parts"/>);
/// an assistant's message may have neither when it carries <see cref="ToolCalls"/> or a <see cref="Refusal"/>.
/// </summary>
public sealed record ChatMessage(ChatRole Role, string? Content)
{
    /// <summary>The content as parts (text, images, files), when it was not sent as one string.</summary>
    public IReadOnlyList<ChatContentPart>? Parts { get; init; }

    /// <summary>The author's name, to tell participants of one role apart.</summary>
    public string? Name { get; init; }

    /// <summary>The tools an assistant's message asks to be called.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>The call a tool message answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>The model's refusal to answer, instead of content.</summary>
    public string? Refusal { get; init; }

    /// <summary>The text of the message: the string content, or its text parts joined; null when it has none.</summary>
    public string? Text => Content ?? (Parts is null ? null : string.Concat(Parts.OfType<TextPart>().Select(p => p.Text)));

    public static ChatMessage System(string content) => new(ChatRole.System, content);

    public static ChatMessage User(string content) => new(ChatRole.User, content);

    public static ChatMessage Assistant(string? content) => new(ChatRole.Assistant, content);
}

/// <summary>A part of a message's content.</summary>
public abstract record ChatContentPart;

public sealed record TextPart(string Text) : ChatContentPart;

/// <param name="Url">An http(s) URL or a <c>data:</c> URL with the image in base64.</param>
/// <param name="Detail">low, high or auto; null for the provider's default.</param>
public sealed record ImagePart(string Url, string? Detail = null) : ChatContentPart;

/// <summary>A file given inline (<paramref name="FileData"/>, a data URL) or by the provider's id for it.</summary>
public sealed record FilePart(string? FileId, string? FileData, string? Filename) : ChatContentPart;

/// <summary>An assistant's request to call a function with JSON <paramref name="Arguments"/>.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments)
{
    public const string FunctionType = "function";

    public string Type { get; init; } = FunctionType;
}
