using Chatbot.Api.Security;
using Microsoft.AspNetCore.Authorization;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Chatbot.Api.OpenApi;

/// <summary>
/// The two ways to show a client key, HTTP bearer (what OpenAI's SDKs send) and the X-API-Key header, and which
/// operations take them. The document is the same whether or not this instance requires keys (API_KEYS): every
/// operation but the anonymous ones lists the empty requirement first, then either scheme, so a call without a key
/// is valid by the document and a generated client can still send one (ADR 0003).
/// </summary>
public sealed class SecurityProcessor : IDocumentProcessor, IOperationProcessor
{
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";

    public void Process(DocumentProcessorContext context)
    {
        var schemes = context.Document.Components.SecuritySchemes;
        schemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A client API key as `Authorization: Bearer <key>`, needed when the service runs with API_KEYS.",
        };
        schemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.ApiKey,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            In = OpenApiSecurityApiKeyLocation.Header,
            Description = "The same client API key in the X-API-Key header, needed when the service runs with API_KEYS.",
        };
    }

    public bool Process(OperationProcessorContext context)
    {
        if (context.ControllerType.IsDefined(typeof(AllowAnonymousAttribute), inherit: true)
            || context.MethodInfo.IsDefined(typeof(AllowAnonymousAttribute), inherit: true))
        {
            return true;
        }

        context.OperationDescription.Operation.Security = KeyOptional();
        return true;
    }

    /// <summary><c>[{}, {"Bearer": []}, {"ApiKey": []}]</c>: no key, or a key either way.</summary>
    public static List<OpenApiSecurityRequirement> KeyOptional() =>
    [
        [],
        new() { [BearerScheme] = [] },
        new() { [ApiKeyScheme] = [] },
    ];
}
