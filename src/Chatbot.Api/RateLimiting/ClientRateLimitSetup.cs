using System.Globalization;
using System.Threading.RateLimiting;
using Chatbot.Api.ErrorHandling;
using Chatbot.Api.Security;
using Chatbot.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Chatbot.Api.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter over <see cref="ClientRateLimiter"/>: one window per
/// client, the client being its API key when it showed a valid one, else its IP address. Past the limit: 429 with
/// <c>Retry-After</c>, and a detail that names this client's limit, unlike the provider's 429.
/// Health, readiness, metrics, the redirect and the documents are not limited.
/// </summary>
public static class ClientRateLimitSetup
{
    public static IServiceCollection AddClientRateLimits(this IServiceCollection services, int permitsPerMinute)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<PartitionedRateLimiter<string>>((options, clients) =>
        {
            options.GlobalLimiter = clients.WithTranslatedKey<HttpContext>(ClientOf, leaveOpen: true);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => RejectAsync(context, permitsPerMinute);
        });
        return services;
    }

    /// <summary>The client a request counts against: <c>key:&lt;fingerprint&gt;</c> or <c>ip:&lt;address&gt;</c>.</summary>
    public static string ClientOf(HttpContext context)
    {
        var key = context.User.FindFirst(ApiKeyAuthenticationHandler.ClientClaim)?.Value;
        if (key is not null)
        {
            return key;
        }

        var address = context.Connection.RemoteIpAddress;
        return "ip:" + (address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, int permitsPerMinute)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await ErrorShape.WriteAsync(http, StatusCodes.Status429TooManyRequests, ProblemTexts.ClientRateLimited(permitsPerMinute));
    }
}
