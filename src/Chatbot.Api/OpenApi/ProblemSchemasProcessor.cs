using Microsoft.AspNetCore.Mvc;
using NJsonSchema.Generation;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// RFC 9457 problem details allow members of any type (the service adds <c>traceId</c>). NSwag writes that as
/// <c>additionalProperties: {"nullable": true}</c>, a schema with <c>nullable</c> and no <c>type</c>, which strict
/// validators (Spectral, Prism) reject, so no example could be checked against it: here it is plain "any member".
/// </summary>
public sealed class ProblemSchemasProcessor : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        if (type != typeof(ProblemDetails) && type != typeof(HttpValidationProblemDetails))
        {
            return;
        }

        var schema = context.Schema;
        if (type == typeof(ProblemDetails))
        {
            schema.Description = "RFC 9457 problem details. The service also writes traceId, the W3C trace id of the request.";
        }

        foreach (var part in schema.AllOf.Append(schema))
        {
            if (part.AdditionalPropertiesSchema is { Type: NJsonSchema.JsonObjectType.None })
            {
                part.AdditionalPropertiesSchema = null;
                part.AllowAdditionalProperties = true;
            }
        }
    }
}
