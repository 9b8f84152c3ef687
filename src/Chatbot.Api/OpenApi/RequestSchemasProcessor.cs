using Chatbot.Api.Contracts;
using NJsonSchema;
using NJsonSchema.Generation;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// The request bodies as the service reads them. Unknown members are ignored (System.Text.Json's default), so the
/// schemas allow them instead of NSwag's <c>additionalProperties: false</c>, and say so; the validator's rules for
/// <c>text</c> are shown so generated clients know them.
/// </summary>
public sealed class RequestSchemasProcessor : ISchemaProcessor
{
    private const string IgnoredMembers = " Other members are ignored.";

    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        if (type != typeof(QuestionRequest) && type != typeof(OpenAiChatRequest) && type != typeof(OpenAiChatMessage))
        {
            return;
        }

        var schema = context.Schema;
        schema.AllowAdditionalProperties = true;
        schema.AdditionalPropertiesSchema = null;
        if (type == typeof(OpenAiChatRequest))
        {
            // Its summary already says "others are ignored".
            return;
        }

        schema.Description = (schema.Description ?? string.Empty).TrimEnd() + IgnoredMembers;
        if (type == typeof(QuestionRequest))
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
}
