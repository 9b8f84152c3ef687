using Chatbot.Infrastructure.Security;
using Microsoft.AspNetCore.Authorization;

namespace Chatbot.Api.Security;

public static class ApiKeySetup
{
    /// <summary>
    /// Every endpoint requires a valid key (the fallback policy) unless it allows anonymous callers: <c>/health</c>,
    /// <c>/health/ready</c> (probes carry no secrets) and <c>/</c>. The documents (<c>/docs</c>, <c>/redoc</c>,
    /// <c>/openapi.json</c>) are served before authorization runs.
    /// </summary>
    public static IServiceCollection AddClientApiKeys(this IServiceCollection services, ClientApiKeys keys)
    {
        services.AddSingleton(keys);

        // The core alone: AddAuthentication would bring data protection (cookies' keys), which nothing here uses.
        services.AddWebEncoders();
        services.AddAuthenticationCore(o =>
        {
            o.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName;
            o.AddScheme<ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, displayName: null);
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        return services;
    }
}
