using Chatbot.Api.Controllers;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

/// <summary>The request and answer examples of <c>POST /question</c> and <c>/question/stream</c>, and their <c>X-Cache</c> header.</summary>
public sealed class QuestionExamplesProcessor : IOperationProcessor
{
    private const string Question = "Hello! How are you?";

    public bool Process(OperationProcessorContext context)
    {
        if (context.ControllerType != typeof(QuestionController) && context.ControllerType != typeof(QuestionStreamController))
        {
            return true;
        }

        var operation = context.OperationDescription.Operation;
        if (operation.RequestBody?.Content.TryGetValue("application/json", out var body) == true)
        {
            body.Example = new { text = Question };
        }

        if (!operation.Responses.TryGetValue("200", out var ok))
        {
            return true;
        }

        foreach (var (mediaType, content) in ok.Content)
        {
            content.Example = mediaType == EventStreamResponseProcessor.MediaType
                ? "data: {\"text\":\"Hello! \"}\n\ndata: {\"text\":\"I'm doing well, \"}\n\ndata: {\"text\":\"thank you!\"}\n\ndata: [DONE]\n\n"
                : new { text = "Hello! I'm doing well, thank you! How are you doing?" };
        }

        ok.Headers[CacheHeader.Name] = new OpenApiHeader
        {
            Description = "HIT when the answer came from the answer cache without a call to the provider, " +
                "else MISS; only when the cache is on (CACHE_TTL_SECONDS).",
            Schema = new JsonSchema { Type = JsonObjectType.String, Enumeration = { "HIT", "MISS" } },
        };
        return true;
    }
}
