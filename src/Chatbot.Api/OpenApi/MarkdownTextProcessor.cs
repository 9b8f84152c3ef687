using System.Text;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// Swagger UI and ReDoc read descriptions as Markdown, in which <c>&lt;key&gt;</c> is an HTML tag and vanishes. Every
/// <c>&lt;</c> and <c>&gt;</c> outside a code span (backticks) becomes <c>&amp;lt;</c> and <c>&amp;gt;</c>, so the
/// placeholders that the XML comments and the texts here write read as written.
/// </summary>
public sealed class MarkdownTextProcessor : IDocumentProcessor
{
    public void Process(DocumentProcessorContext context)
    {
        var document = context.Document;
        document.Info.Description = Escape(document.Info.Description);
        foreach (var scheme in document.Components.SecuritySchemes.Values)
        {
            scheme.Description = Escape(scheme.Description);
        }

        var seen = new HashSet<JsonSchema>();
        foreach (var schema in document.Components.Schemas.Values)
        {
            EscapeSchema(schema, seen);
        }

        foreach (var operation in document.Paths.Values.SelectMany(item => item.Values))
        {
            operation.Summary = Escape(operation.Summary);
            operation.Description = Escape(operation.Description);
            foreach (var parameter in operation.Parameters)
            {
                parameter.Description = Escape(parameter.Description);
            }

            if (operation.RequestBody is { } body)
            {
                body.Description = Escape(body.Description);
            }

            foreach (var response in operation.Responses.Values)
            {
                response.Description = Escape(response.Description);
                foreach (var header in response.Headers.Values)
                {
                    header.Description = Escape(header.Description);
                }

                foreach (var media in response.Content.Values)
                {
                    EscapeSchema(media.Schema, seen);
                }
            }
        }
    }

    private static void EscapeSchema(JsonSchema? schema, HashSet<JsonSchema> seen)
    {
        if (schema is null || !seen.Add(schema))
        {
            return;
        }

        schema.Description = Escape(schema.Description);
        foreach (var property in schema.Properties.Values)
        {
            EscapeSchema(property, seen);
        }

        foreach (var part in schema.AllOf)
        {
            EscapeSchema(part, seen);
        }

        EscapeSchema(schema.Item, seen);
        EscapeSchema(schema.AdditionalPropertiesSchema, seen);
    }

    /// <summary>Escapes angle brackets outside backtick code spans; already escaped text stays as it is.</summary>
    public static string? Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || (!text.Contains('<', StringComparison.Ordinal) && !text.Contains('>', StringComparison.Ordinal)))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        var inCode = false;
        foreach (var c in text)
        {
            if (c == '`')
            {
                inCode = !inCode;
            }

            result.Append(c switch
            {
                '<' when !inCode => "&lt;",
                '>' when !inCode => "&gt;",
                _ => c.ToString(),
            });
        }

        return result.ToString();
    }
}
