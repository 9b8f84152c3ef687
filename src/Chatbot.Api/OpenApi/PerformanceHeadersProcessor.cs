using Chatbot.Api.Diagnostics;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

/// <summary>The headers <see cref="PerformanceHeadersMiddleware"/> adds to every response (PERFORMANCE_HEADERS).</summary>
public sealed class PerformanceHeadersProcessor : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        foreach (var response in context.OperationDescription.Operation.Responses.Values)
        {
            AddTo(response);
        }

        return true;
    }

    public static void AddTo(OpenApiResponse response)
    {
        response.Headers[PerformanceHeadersMiddleware.ProcessTimeHeader] = Header("Time the service spent on the request, in seconds.");
        response.Headers[PerformanceHeadersMiddleware.MemoryUsedHeader] = Header("Resident memory of the service, in MB.");
        response.Headers[PerformanceHeadersMiddleware.MemoryDeltaHeader] = Header("Change of resident memory during the request, in MB.");
    }

    private static OpenApiHeader Header(string description) => new()
    {
        Description = description,
        Schema = new JsonSchema { Type = JsonObjectType.Number },
    };
}
