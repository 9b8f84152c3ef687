using System.Security.Claims;
using System.Text.Encodings.Web;
using Chatbot.Api.ErrorHandling;
using Chatbot.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Chatbot.Api.Security;

/// <summary>
/// Client API keys (<c>API_KEYS</c>, <c>API_KEYS_FILE</c>): a request shows its key as <c>Authorization: Bearer</c>
/// (how OpenAI's SDKs send theirs) or as <c>X-API-Key</c>. Without a valid one the answer is 401 with
/// <c>WWW-Authenticate: Bearer</c> and a body that says it is about the client's key, not the provider's.
/// Keys are never logged: the principal carries only a fingerprint of the key's hash.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ClientApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";

    /// <summary>The claim naming the client: <c>key:</c> and the start of its key's SHA-256.</summary>
    public const string ClientClaim = "chatbot:client";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request.Headers);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!keys.TryMatch(presented, out var client))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not one of API_KEYS."));
        }

        var identity = new ClaimsIdentity([new Claim(ClientClaim, client)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await ErrorShape.WriteAsync(Context, StatusCodes.Status401Unauthorized, ProblemTexts.ClientApiKeyRequired);
    }

    /// <summary><c>X-API-Key</c> when present, else the token of <c>Authorization: Bearer</c>, else null.</summary>
    public static string? PresentedKey(IHeaderDictionary headers)
    {
        var apiKey = headers[HeaderName];
        if (apiKey.Count > 0)
        {
            return apiKey[0]?.Trim();
        }

        var authorization = headers[HeaderNames.Authorization].ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
            ? authorization[bearer.Length..].Trim()
            : null;
    }
}
