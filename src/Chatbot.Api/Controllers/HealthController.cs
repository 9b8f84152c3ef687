using System.Diagnostics;
using Chatbot.Api.Contracts;
using Chatbot.Application.Options;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Controllers;

/// <remarks>Open to every caller and never rate limited: probes and load balancers carry no keys.</remarks>
[ApiController]
[Route("health")]
[AllowAnonymous]
[DisableRateLimiting]
public sealed class HealthController(IOptions<LlmOptions> options, TimeProvider timeProvider) : ControllerBase
{
    public const string ServiceName = "llm-chatbot-api";

    private static readonly string Version =
        typeof(HealthController).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    private static readonly DateTimeOffset ProcessStartedAt = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>Health check: the process answers, and which provider and model serve.</summary>
    /// <response code="200">The service is up.</response>
    [HttpGet]
    [ProducesResponseType<HealthResponse>(StatusCodes.Status200OK)]
    public HealthResponse Get()
    {
        var o = options.Value;
        var now = timeProvider.GetUtcNow();
        return new HealthResponse(
            "healthy",
            now.UtcDateTime,
            ServiceName,
            Version,
            o.Provider,
            o.Model,
            Math.Round((now - ProcessStartedAt).TotalSeconds, 3));
    }
}
