using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;

namespace Chatbot.Api.Contracts.Validation;

/// <summary>
/// The wire rules of OpenAI's chat request, checked at model binding: no unknown fields, known roles and content part
/// types, a tool message that answers a call the assistant made, well-formed tools, tool choice and response format,
/// and OpenAI's ranges. The service's own limits (number and size of messages, the token limits, the served model)
/// stay in the command's validator in Application. Property names are the JSON paths
/// (<c>messages[2].tool_call_id</c>), so a failure's property is OpenAI's <c>param</c> as it is.
/// </summary>
public sealed partial class OpenAiChatRequestValidator : AbstractValidator<OpenAiChatRequest>
{
    /// <summary>The most choices one request may ask for: each is a whole answer the provider bills.</summary>
    public const int MaxChoices = 8;

    public OpenAiChatRequestValidator()
    {
        // OpenAI's own answer to a field it does not know; nothing is dropped silently.
        RuleFor(r => r.Unknown).Custom((unknown, context) => Unknown(unknown, string.Empty, context));
        RuleFor(r => r.Messages)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("'messages' is required.")
            .Must(m => m!.Count > 0).WithMessage("'messages' must contain at least one message.")
            .OverridePropertyName("messages");
        RuleFor(r => r.Messages).Custom((messages, context) => CheckMessages(messages, context)).When(r => r.Messages is not null);
        // The optional fields' rules run only when the request has one of them: a plain request (messages only, the
        // usual one) then pays for one rule and its condition instead of a dozen rules.
        RuleFor(r => r).SetValidator(OptionalFields).When(HasOptionalFields);
    }

    private static readonly OptionalFieldsValidator OptionalFields = new();

    private static bool HasOptionalFields(OpenAiChatRequest r) =>
        r.Temperature is not null || r.TopP is not null || r.PresencePenalty is not null || r.FrequencyPenalty is not null
        || r.N is not null || r.TopLogprobs is not null || r.LogitBias is not null || r.Stop.ValueKind != JsonValueKind.Undefined
        || r.Tools is not null || r.ToolChoice.ValueKind != JsonValueKind.Undefined || r.ResponseFormat is not null || r.StreamOptions is not null;

    /// <summary>The rules of the optional fields: sampling ranges, stop, tools, tool choice, response format, stream options.</summary>
    private sealed class OptionalFieldsValidator : AbstractValidator<OpenAiChatRequest>
    {
        public OptionalFieldsValidator()
        {
            Range(r => r.Temperature, "temperature", 0, 2);
            Range(r => r.TopP, "top_p", 0, 1);
            Range(r => r.PresencePenalty, "presence_penalty", -2, 2);
            Range(r => r.FrequencyPenalty, "frequency_penalty", -2, 2);
            RuleFor(r => r.N).InclusiveBetween(1, MaxChoices).When(r => r.N is not null)
                .WithMessage($"'n' must be between 1 and {MaxChoices}.").OverridePropertyName("n");
            RuleFor(r => r.TopLogprobs).Cascade(CascadeMode.Stop)
                .InclusiveBetween(0, 20).WithMessage("'top_logprobs' must be between 0 and 20.")
                .Must((r, _) => r.Logprobs == true).WithMessage("'top_logprobs' needs 'logprobs' set to true.")
                .When(r => r.TopLogprobs is not null).OverridePropertyName("top_logprobs");
            RuleFor(r => r.LogitBias)
                .Must(b => b!.Values.All(v => v is >= -100 and <= 100)).WithMessage("'logit_bias' values must be between -100 and 100.")
                .When(r => r.LogitBias is not null).OverridePropertyName("logit_bias");
            RuleFor(r => r.Stop).Custom((stop, context) => CheckStop(stop, context));
            RuleFor(r => r.Tools).Custom((tools, context) => CheckTools(tools, context)).When(r => r.Tools is not null);
            RuleFor(r => r.ToolChoice).Custom((choice, context) => CheckToolChoice(choice, context));
            RuleFor(r => r.ResponseFormat).Custom((format, context) => CheckResponseFormat(format!, context)).When(r => r.ResponseFormat is not null);
            RuleFor(r => r.StreamOptions).Custom((o, context) => Unknown(o!.Unknown, "stream_options", context)).When(r => r.StreamOptions is not null);
            RuleFor(r => r.StreamOptions)
                .Must((r, _) => r.Stream == true).WithMessage("'stream_options' is only allowed when 'stream' is true.")
                .When(r => r.StreamOptions is not null).OverridePropertyName("stream_options");
        }

        // A null bound passes InclusiveBetween, so no condition is needed (and none compiles the expression per request).
        private void Range(System.Linq.Expressions.Expression<Func<OpenAiChatRequest, double?>> field, string name, double min, double max) =>
            RuleFor(field).InclusiveBetween(min, max).WithMessage($"'{name}' must be between {min} and {max}.").OverridePropertyName(name);
    }

    private static void CheckMessages(IReadOnlyList<OpenAiChatMessage?>? messages, ValidationContext<OpenAiChatRequest> context)
    {
        HashSet<string>? calls = null;
        for (var i = 0; i < messages!.Count; i++)
        {
            var path = $"messages[{i}]";
            if (messages[i] is not { } message)
            {
                context.AddFailure(path, $"'{path}' must be an object with a role and a content, not null.");
                continue;
            }

            if (Unknown(message.Unknown, path, context))
            {
                continue;
            }

            if (message.Role is null || !OpenAiRoles.ToDomain.ContainsKey(message.Role))
            {
                context.AddFailure($"{path}.role", $"'role' must be one of {OpenAiRoles.Names}.");
                continue;
            }

            CheckContent(message, path, context);
            if (message.ToolCalls is { } toolCalls)
            {
                if (message.Role != "assistant")
                {
                    context.AddFailure($"{path}.tool_calls", "Only an assistant's message may carry 'tool_calls'.");
                }

                for (var j = 0; j < toolCalls.Count; j++)
                {
                    var call = toolCalls[j];
                    var at = $"{path}.tool_calls[{j}]";
                    if (Unknown(call?.Unknown, at, context) || Unknown(call?.Function?.Unknown, $"{at}.function", context))
                    {
                        continue;
                    }

                    if (call?.Id is not { Length: > 0 } id)
                    {
                        context.AddFailure($"{at}.id", "A tool call needs an 'id'.");
                    }
                    else if (call.Type is not ("function" or null))
                    {
                        context.AddFailure($"{at}.type", "A tool call's 'type' must be 'function'.");
                    }
                    else if (call.Function?.Name is not { Length: > 0 })
                    {
                        context.AddFailure($"{at}.function.name", "A tool call needs a function 'name'.");
                    }
                    else
                    {
                        (calls ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
                    }
                }
            }

            if (message.Role == "tool")
            {
                if (message.ToolCallId is not { Length: > 0 } answered)
                {
                    context.AddFailure($"{path}.tool_call_id", "A tool message needs the 'tool_call_id' of the call it answers.");
                }
                else if (calls?.Contains(answered) != true)
                {
                    context.AddFailure(
                        $"{path}.tool_call_id",
                        $"'tool_call_id' '{answered}' answers no tool call of an earlier assistant message.");
                }
            }
            else if (message.ToolCallId is not null)
            {
                context.AddFailure($"{path}.tool_call_id", "Only a tool message carries 'tool_call_id'.");
            }
        }
    }

    private static void CheckContent(OpenAiChatMessage message, string path, ValidationContext<OpenAiChatRequest> context)
    {
        var content = message.Content;
        switch (content.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null:
                return;
            case JsonValueKind.Array:
                break;
            default:
                context.AddFailure($"{path}.content", "'content' must be a string, an array of content parts, or null.");
                return;
        }

        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            var at = $"{path}.content[{i++}]";
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
            if (type is null || !OpenAiChatMapping.PartTypes.Contains(type))
            {
                context.AddFailure($"{at}.type", $"A content part's 'type' must be one of {string.Join(", ", OpenAiChatMapping.PartTypes)}.");
                return;
            }

            var error = type switch
            {
                "text" => IsString(part, "text") ? null : ("text", "A text part needs a string 'text'."),
                "image_url" => part.TryGetProperty("image_url", out var image) && image.ValueKind == JsonValueKind.Object && IsString(image, "url")
                    ? (image.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null
                        && !(d.ValueKind == JsonValueKind.String && d.GetString() is "auto" or "low" or "high")
                        ? ("image_url.detail", "An image's 'detail' must be auto, low or high.")
                        : ((string, string)?)null)
                    : ("image_url.url", "An image part needs 'image_url' with a string 'url'."),
                _ => part.TryGetProperty("file", out var file) && file.ValueKind == JsonValueKind.Object && (IsString(file, "file_id") || IsString(file, "file_data"))
                    ? null
                    : ("file", "A file part needs 'file' with a 'file_id' or 'file_data'."),
            };
            if (error is var (field, text))
            {
                context.AddFailure($"{at}.{field}", text);
                return;
            }
        }
    }

    // A field the service does not know, anywhere in the request: OpenAI's own answer, never a silent drop.
    private static bool Unknown(Dictionary<string, JsonElement>? unknown, string path, ValidationContext<OpenAiChatRequest> context)
    {
        if (unknown is not { Count: > 0 })
        {
            return false;
        }

        var name = path.Length == 0 ? unknown.Keys.First() : $"{path}.{unknown.Keys.First()}";
        context.AddFailure(name, $"Unrecognized request argument supplied: {name}");
        return true;
    }

    private static bool IsString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String;

    private static void CheckStop(JsonElement stop, ValidationContext<OpenAiChatRequest> context)
    {
        switch (stop.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String:
                return;
            case JsonValueKind.Array when stop.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String):
                context.AddFailure("stop", "'stop' must be a string or an array of strings.");
                return;
            case JsonValueKind.Array when stop.GetArrayLength() > 4:
                context.AddFailure("stop", "'stop' may hold at most 4 sequences.");
                return;
            case JsonValueKind.Array:
                return;
            default:
                context.AddFailure("stop", "'stop' must be a string or an array of strings.");
                return;
        }
    }

    private static void CheckTools(IReadOnlyList<OpenAiTool?>? tools, ValidationContext<OpenAiChatRequest> context)
    {
        for (var i = 0; i < tools!.Count; i++)
        {
            var at = $"tools[{i}]";
            var tool = tools[i];
            if (Unknown(tool?.Unknown, at, context) || Unknown(tool?.Function?.Unknown, $"{at}.function", context))
            {
                continue;
            }

            if (tool?.Type != "function")
            {
                context.AddFailure($"{at}.type", "A tool's 'type' must be 'function'.");
            }
            else if (tool.Function?.Name is not { } name || !FunctionName().IsMatch(name))
            {
                context.AddFailure($"{at}.function.name", "A function's 'name' must be 1 to 64 of a-z, A-Z, 0-9, _ and -.");
            }
            else if (tool.Function.Parameters.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
            {
                context.AddFailure($"{at}.function.parameters", "A function's 'parameters' must be a JSON schema object.");
            }
        }
    }

    private static void CheckToolChoice(JsonElement choice, ValidationContext<OpenAiChatRequest> context)
    {
        var valid = choice.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => true,
            JsonValueKind.String => choice.GetString() is "none" or "auto" or "required",
            JsonValueKind.Object => choice.TryGetProperty("type", out var type) && type.ValueEquals("function")
                && choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                && IsString(function, "name"),
            _ => false,
        };
        if (!valid)
        {
            context.AddFailure("tool_choice", "'tool_choice' must be none, auto, required, or {\"type\":\"function\",\"function\":{\"name\":...}}.");
        }
    }

    private static void CheckResponseFormat(OpenAiResponseFormat format, ValidationContext<OpenAiChatRequest> context)
    {
        if (Unknown(format.Unknown, "response_format", context) || Unknown(format.JsonSchema?.Unknown, "response_format.json_schema", context))
        {
            return;
        }

        switch (format.Type)
        {
            case "text" or "json_object":
                return;
            case "json_schema" when format.JsonSchema?.Name is not { Length: > 0 } name || !FunctionName().IsMatch(name):
                context.AddFailure("response_format.json_schema.name", "A JSON schema format needs a 'name' of 1 to 64 of a-z, A-Z, 0-9, _ and -.");
                return;
            case "json_schema" when format.JsonSchema.Schema.ValueKind != JsonValueKind.Object:
                context.AddFailure("response_format.json_schema.schema", "A JSON schema format needs a 'schema' that is a JSON object.");
                return;
            case "json_schema":
                return;
            default:
                context.AddFailure("response_format.type", "'response_format.type' must be text, json_object or json_schema.");
                return;
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
