using System.Reflection;
using Namotion.Reflection;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// A 200 that streams (<see cref="EventStreamAttribute{TEvent}"/>) is <c>text/event-stream</c>, which is text, not the
/// event's JSON object: its schema is <c>type: string</c>, and the description names the event's schema, which is in
/// <c>components</c> and referenced from <c>x-event-data</c> (OpenAPI 3.0 has no keyword for an event's schema).
/// </summary>
public sealed class EventStreamResponseProcessor : IOperationProcessor
{
    public const string MediaType = "text/event-stream";
    public const string EventDataExtension = "x-event-data";

    public bool Process(OperationProcessorContext context)
    {
        var declared = context.MethodInfo.GetCustomAttributes().OfType<IEventStreamAttribute>().FirstOrDefault();
        if (declared is null)
        {
            return true;
        }

        var reference = context.SchemaGenerator.GenerateWithReference<JsonSchema>(declared.EventType.ToContextualType(), context.SchemaResolver);
        var actual = reference.ActualSchema;
        var name = context.Document.Components.Schemas.First(s => ReferenceEquals(s.Value, actual)).Key;
        var responses = context.OperationDescription.Operation.Responses;
        if (!responses.TryGetValue("200", out var response))
        {
            response = new OpenApiResponse();
            responses["200"] = response;
        }

        response.Content[MediaType] = new OpenApiMediaType
        {
            Schema = new JsonSchema
            {
                Type = JsonObjectType.String,
                Description = $"Server-sent events: one `data: <JSON>` line per event, each JSON one {name} (the schema " +
                    $"{name}, referenced by {EventDataExtension}), each event followed by a blank line; then `data: [DONE]`. " +
                    "A failure after the first event is sent as `event: error` with the error body of its status, and the " +
                    "stream closes without [DONE].",
                ExtensionData = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    // A plain $ref object: NJsonSchema writes a schema object here without its reference.
                    [EventDataExtension] = new Dictionary<string, string>(StringComparer.Ordinal) { ["$ref"] = "#/components/schemas/" + name },
                },
            },
        };
        return true;
    }
}
