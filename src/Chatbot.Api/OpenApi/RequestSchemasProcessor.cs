using Chatbot.Api.Contracts;
using NJsonSchema;
using NJsonSchema.Generation;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// The request bodies as the service reads them. <c>/question</c> ignores unknown members (System.Text.Json's default,
/// as the original service did), so its schema allows them and says so; the validator's rules for <c>text</c> are shown
/// so generated clients know them. OpenAI's chat request and its messages refuse unknown members (400), so theirs do
/// not allow them: the extension data that catches them is not a member of the contract.
/// </summary>
public sealed class RequestSchemasProcessor : ISchemaProcessor
{
    private const string IgnoredMembers = " Other members are ignored.";

    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        if (type != typeof(QuestionRequest) && type != typeof(OpenAiChatRequest) && type != typeof(OpenAiChatMessage)
            && type != typeof(OpenAiFunction) && type != typeof(OpenAiJsonSchema) && type != typeof(OpenAiTool)
            && type != typeof(OpenAiResponseFormat) && type != typeof(OpenAiStreamOptions) && type != typeof(OpenAiToolCall)
            && type != typeof(OpenAiFunctionCall))
        {
            return;
        }

        var schema = context.Schema;
        schema.AdditionalPropertiesSchema = null;
        if (type != typeof(QuestionRequest))
        {
            schema.AllowAdditionalProperties = false;
            DescribeOneOfs(type, schema);
            return;
        }

        schema.AllowAdditionalProperties = true;

        schema.Description = (schema.Description ?? string.Empty).TrimEnd() + IgnoredMembers;
        {
            schema.RequiredProperties.Add("text");
            if (schema.Properties.TryGetValue("text", out var text))
            {
                text.Type = JsonObjectType.String;
                text.IsNullableRaw = false;
                text.MinLength = 1;
                text.MaxLength = 1024;
                text.Description = "The question: 1 to 1024 characters (Unicode code points), not blank.";
                text.Example = "Hello! How are you?";
            }
        }
    }

    // The members typed JsonElement (a string or an array, a string or an object) in the shapes OpenAI gives them.
    private static void DescribeOneOfs(Type type, JsonSchema schema)
    {
        if (type == typeof(OpenAiChatMessage) && schema.Properties.TryGetValue("content", out var content))
        {
            var part = new JsonSchema { Type = JsonObjectType.Object, Description = "A part: text, image_url (url, detail auto/low/high) or file (file_id or file_data, filename)." };
            part.RequiredProperties.Add("type");
            part.Properties["type"] = new JsonSchemaProperty { Type = JsonObjectType.String };
            part.Properties["type"].Enumeration.Add("text");
            part.Properties["type"].Enumeration.Add("image_url");
            part.Properties["type"].Enumeration.Add("file");
            part.Properties["text"] = new JsonSchemaProperty { Type = JsonObjectType.String };
            part.Properties["image_url"] = new JsonSchemaProperty { Type = JsonObjectType.Object };
            part.Properties["file"] = new JsonSchemaProperty { Type = JsonObjectType.Object };
            content.Description = "A string, an array of parts, or null on an assistant's message with tool_calls or a refusal.";
            content.IsNullableRaw = true;
            content.OneOf.Add(new JsonSchema { Type = JsonObjectType.String });
            content.OneOf.Add(new JsonSchema { Type = JsonObjectType.Array, Item = part });
        }

        if (type == typeof(OpenAiChatRequest))
        {
            if (schema.Properties.TryGetValue("stop", out var stop))
            {
                stop.IsNullableRaw = true;
                stop.OneOf.Add(new JsonSchema { Type = JsonObjectType.String });
                stop.OneOf.Add(new JsonSchema { Type = JsonObjectType.Array, MaxItems = 4, Item = new JsonSchema { Type = JsonObjectType.String } });
            }

            if (schema.Properties.TryGetValue("tool_choice", out var choice))
            {
                var mode = new JsonSchema { Type = JsonObjectType.String };
                mode.Enumeration.Add("none");
                mode.Enumeration.Add("auto");
                mode.Enumeration.Add("required");
                choice.IsNullableRaw = true;
                choice.OneOf.Add(mode);
                choice.OneOf.Add(new JsonSchema { Type = JsonObjectType.Object, Description = "{\"type\":\"function\",\"function\":{\"name\":\"...\"}}" });
            }
        }

        if ((type == typeof(OpenAiFunction) && schema.Properties.TryGetValue("parameters", out var raw))
            || (type == typeof(OpenAiJsonSchema) && schema.Properties.TryGetValue("schema", out raw)))
        {
            raw.Type = JsonObjectType.Object;
            raw.AllowAdditionalProperties = true;
        }
    }
}
