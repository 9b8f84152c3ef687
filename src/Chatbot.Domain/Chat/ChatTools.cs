using System.Text.Json;

namespace Chatbot.Domain.Chat;

/// <summary>A function the model may call. <paramref name="Parameters"/> is its JSON schema, kept as it was written.</summary>
public sealed record ChatTool(string Name, string? Description, JsonElement? Parameters, bool? Strict);

/// <summary>Whether and which tool the model must call: none, auto, required, or one function by name.</summary>
public sealed record ToolChoice(string Mode, string? FunctionName = null)
{
    public const string None = "none";
    public const string Auto = "auto";
    public const string Required = "required";
    public const string Function = "function";

    public static ToolChoice ForFunction(string name) => new(Function, name);
}

/// <summary>The shape of the answer: text, any JSON object, or JSON that follows <see cref="Schema"/>.</summary>
public sealed record ResponseFormat(string Type)
{
    public const string Text = "text";
    public const string JsonObject = "json_object";
    public const string JsonSchema = "json_schema";

    public string? SchemaName { get; init; }

    public string? SchemaDescription { get; init; }

    /// <summary>The JSON schema as it was written: nothing of it is lost on the way to the provider.</summary>
    public JsonElement? Schema { get; init; }

    public bool? Strict { get; init; }
}
