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
        if (type != typeof(QuestionRequest) && type != typeof(OpenAiChatRequest) && type != typeof(OpenAiChatMessage))
        {
            return;
        }

        var schema = context.Schema;
        schema.AdditionalPropertiesSchema = null;
        if (type != typeof(QuestionRequest))
        {
            schema.AllowAdditionalProperties = false;
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
}
