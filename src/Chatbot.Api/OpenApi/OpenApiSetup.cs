using NSwag.Generation.Processors;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// The OpenAPI document, Swagger UI (/docs) and ReDoc (/redoc). Each processor in this folder holds one concern of the
/// document; they are listed here in the order they run.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi.json";

    public static IServiceCollection AddChatbotOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddOpenApiDocument(settings =>
        {
            settings.DocumentName = "v1";
            settings.Title = "LLM Chatbot API";
            settings.Version = "1.0.0";
            settings.Description =
                "Answers questions with any OpenAI-compatible LLM provider (OpenAI, Ollama, Mistral, Groq, LocalAI, " +
                "Gemini, Claude through a proxy). Errors under /v1 are OpenAI's error body, elsewhere RFC 9457 problem " +
                "details. Every response carries X-Process-Time, X-Memory-Used and X-Memory-Delta unless " +
                "PERFORMANCE_HEADERS is off. When the service runs with API_KEYS, every operation but /health and " +
                "/health/ready needs a client key, as `Authorization: Bearer <key>` or `X-API-Key: <key>`; without " +
                "API_KEYS no key is needed (each operation's security lists the empty requirement).";

            settings.SchemaSettings.SchemaProcessors.Add(new RequestSchemasProcessor());
            settings.SchemaSettings.SchemaProcessors.Add(new ProblemSchemasProcessor());

            IOperationProcessor[] operations =
            [
                new SecurityProcessor(),
                new EventStreamResponseProcessor(),
                new ErrorResponsesProcessor(),
                new QuestionExamplesProcessor(),
                new PerformanceHeadersProcessor(),
            ];
            foreach (var processor in operations)
            {
                settings.OperationProcessors.Add(processor);
            }

            settings.DocumentProcessors.Add(new SecurityProcessor());
            settings.DocumentProcessors.Add(new OperationalEndpointsProcessor());

            // Last: sees every text the others wrote.
            settings.DocumentProcessors.Add(new MarkdownTextProcessor());
        });
        return services;
    }

    public static WebApplication UseChatbotOpenApi(this WebApplication app)
    {
        // Only requests for the documents go through NSwag's and ReDoc's middlewares (five of them, each with
        // its own path test and allocations on every request otherwise): one path test for all other requests.
        app.UseWhen(IsDocumentRequest, docs => UseDocuments(docs));
        return app;
    }

    private static bool IsDocumentRequest(HttpContext context)
    {
        var path = context.Request.Path;
        return path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/redoc", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(DocumentPath, StringComparison.OrdinalIgnoreCase);
    }

    private static void UseDocuments(IApplicationBuilder app)
    {
        app.UseOpenApi(settings =>
        {
            settings.Path = DocumentPath;

            // No absolute server URL: clients and Swagger UI use the origin they reached, and the document
            // is the same whichever host or port serves it (docs/openapi.json is compared with it).
            settings.PostProcess = (document, _) => document.Servers.Clear();
        });
        app.UseSwaggerUi(settings =>
        {
            settings.Path = "/docs";
            settings.DocumentPath = DocumentPath;
            settings.DocumentTitle = "LLM Chatbot API";

            // The key entered under "Authorize" survives a reload of the page.
            settings.PersistAuthorization = true;
        });
        // ReDoc from Swashbuckle.AspNetCore.ReDoc, which embeds redoc.standalone.js: NSwag's ReDoc page loads that
        // script from a CDN (an unpinned version), so it stays blank wherever the browser cannot reach the internet.
        ReDocBuilderExtensions.UseReDoc(app, options =>
        {
            options.RoutePrefix = "redoc";
            options.SpecUrl = DocumentPath;
            options.DocumentTitle = "LLM Chatbot API";
            options.ConfigObject.AdditionalItems["disableTelemetry"] = true; // Redoc 3 reports usage to Redocly otherwise
        });
    }
}
