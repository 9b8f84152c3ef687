using Chatbot.Api.Contracts;
using Chatbot.Api.Controllers;
using Chatbot.Api.Diagnostics;
using Chatbot.Api.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NJsonSchema;
using NJsonSchema.Generation;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

public static class OpenApiSetup
{
    public const string DocumentPath = "/openapi.json";
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";

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
                "Gemini, Claude through a proxy). Errors are RFC 9457 problem details. Every response carries " +
                "X-Process-Time, X-Memory-Used and X-Memory-Delta. When the service runs with API_KEYS, every " +
                "operation but /health needs a client key, as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.";
            settings.SchemaSettings.SchemaProcessors.Add(new QuestionRequestSchemaProcessor());

            // Declared whether or not this instance requires keys: the document is the same everywhere,
            // and clients generated from it can send a key.
            settings.DocumentProcessors.Add(new SecuritySchemesDocumentProcessor());
            settings.OperationProcessors.Add(new ApiKeySecurityOperationProcessor());
            settings.OperationProcessors.Add(new DeclaredContentTypesOperationProcessor());
            settings.OperationProcessors.Add(new PerformanceHeadersOperationProcessor());
            settings.OperationProcessors.Add(new QuestionExamplesOperationProcessor());
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

    /// <summary>The two ways to show a client key: HTTP bearer (what OpenAI's SDKs send) and the X-API-Key header.</summary>
    private sealed class SecuritySchemesDocumentProcessor : IDocumentProcessor
    {
        public void Process(DocumentProcessorContext context)
        {
            var schemes = context.Document.Components.SecuritySchemes;
            schemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = OpenApiSecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A client API key as 'Authorization: Bearer <key>', needed when the service runs with API_KEYS.",
            };
            schemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = OpenApiSecuritySchemeType.ApiKey,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                In = OpenApiSecurityApiKeyLocation.Header,
                Description = "The same client API key in the X-API-Key header.",
            };
        }
    }

    /// <summary>Every operation but the anonymous ones (/health) takes either scheme.</summary>
    private sealed class ApiKeySecurityOperationProcessor : IOperationProcessor
    {
        public bool Process(OperationProcessorContext context)
        {
            if (context.ControllerType.IsDefined(typeof(AllowAnonymousAttribute), inherit: true)
                || context.MethodInfo.IsDefined(typeof(AllowAnonymousAttribute), inherit: true))
            {
                return true;
            }

            var operation = context.OperationDescription.Operation;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [BearerScheme] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [ApiKeyScheme] = [] });
            return true;
        }
    }

    /// <summary>The rules the validator enforces, shown in the schema so generated clients know them.</summary>
    private sealed class QuestionRequestSchemaProcessor : ISchemaProcessor
    {
        public void Process(SchemaProcessorContext context)
        {
            if (context.ContextualType.Type != typeof(QuestionRequest))
            {
                return;
            }

            var schema = context.Schema;
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

    /// <summary>
    /// NSwag lists every response as application/json; this applies the media types the action declares in its
    /// <c>[ProducesResponseType]</c> (problem+json for errors, text/event-stream for streams).
    /// </summary>
    private sealed class DeclaredContentTypesOperationProcessor : IOperationProcessor
    {
        public bool Process(OperationProcessorContext context)
        {
            var responses = context.OperationDescription.Operation.Responses;
            foreach (var declared in context.MethodInfo.GetCustomAttributes(typeof(ProducesResponseTypeAttribute), inherit: true)
                         .Cast<ProducesResponseTypeAttribute>())
            {
                var mediaTypes = new Microsoft.AspNetCore.Mvc.Formatters.MediaTypeCollection();
                ((Microsoft.AspNetCore.Mvc.ApiExplorer.IApiResponseMetadataProvider)declared).SetContentTypes(mediaTypes);
                var code = declared.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (mediaTypes.Count == 0 || !responses.TryGetValue(code, out var response) || response.Content.Count == 0)
                {
                    continue;
                }

                var schema = response.Content.Values.First().Schema;
                response.Content.Clear();
                foreach (var mediaType in mediaTypes)
                {
                    response.Content[mediaType] = new OpenApiMediaType { Schema = schema };
                }
            }

            return true;
        }
    }

    private sealed class PerformanceHeadersOperationProcessor : IOperationProcessor
    {
        public bool Process(OperationProcessorContext context)
        {
            foreach (var response in context.OperationDescription.Operation.Responses.Values)
            {
                response.Headers[PerformanceHeadersMiddleware.ProcessTimeHeader] = Header("Time the service spent on the request, in seconds.");
                response.Headers[PerformanceHeadersMiddleware.MemoryUsedHeader] = Header("Resident memory of the service, in MB.");
                response.Headers[PerformanceHeadersMiddleware.MemoryDeltaHeader] = Header("Change of resident memory during the request, in MB.");
            }

            return true;
        }

        private static OpenApiHeader Header(string description) => new()
        {
            Description = description,
            Schema = new JsonSchema { Type = JsonObjectType.Number },
        };
    }

    private sealed class QuestionExamplesOperationProcessor : IOperationProcessor
    {
        public bool Process(OperationProcessorContext context)
        {
            var operation = context.OperationDescription.Operation;
            if (context.ControllerType != typeof(Controllers.QuestionController)
                && context.ControllerType != typeof(Controllers.QuestionStreamController))
            {
                return true;
            }

            if (operation.RequestBody?.Content.TryGetValue("application/json", out var body) == true)
            {
                body.Example = new { text = "Hello! How are you?" };
            }

            foreach (var (code, response) in operation.Responses)
            {
                var example = Example(int.Parse(code, System.Globalization.CultureInfo.InvariantCulture));
                foreach (var content in response.Content.Values)
                {
                    content.Example = example;
                }

                if (code == "429")
                {
                    response.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before trying again: until this client's rate-limit window ends, " +
                            "or as the provider said when it said.",
                        Schema = new JsonSchema { Type = JsonObjectType.Integer },
                    };
                }

                if (code == "200")
                {
                    response.Headers[CacheHeader.Name] = new OpenApiHeader
                    {
                        Description = "HIT when the answer came from the answer cache without a call to the provider, " +
                            "else MISS; only when the cache is on (CACHE_TTL_SECONDS).",
                        Schema = new JsonSchema { Type = JsonObjectType.String },
                    };
                }
            }

            return true;
        }

        private static object Example(int status) => status switch
        {
            200 => new { text = "Hello! I'm doing well, thank you! How are you doing?" },
            422 => new
            {
                type = "https://tools.ietf.org/html/rfc9110#section-15.5.21",
                title = "Unprocessable Entity",
                status,
                detail = ErrorHandling.ProblemTexts.Validation,
                instance = "/question",
                errors = new { text = new[] { "The text must be at most 1024 characters long." } },
                traceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            },
            // The members as the service writes them (camelCase, traceId at the top level): a ProblemDetails object
            // here is serialized by NSwag's Newtonsoft.Json as "Type", "Title", ... with an "Extensions" object.
            _ => new
            {
                type = "about:blank",
                title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
                status,
                detail = status == StatusCodes.Status400BadRequest
                    ? ErrorHandling.ProblemTexts.MalformedJson
                    : ErrorHandling.ProblemTexts.ForStatus(status),
                instance = "/question",
                traceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            },
        };
    }
}
