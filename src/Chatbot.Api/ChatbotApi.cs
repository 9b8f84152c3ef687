using Chatbot.Api.Contracts.Validation;
using Chatbot.Api.Controllers;
using Chatbot.Api.Diagnostics;
using Chatbot.Api.ErrorHandling;
using Chatbot.Api.OpenApi;
using Chatbot.Api.RateLimiting;
using Chatbot.Api.Security;
using Chatbot.Application;
using Chatbot.Application.Common.Behaviours;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.AskQuestion;
using Chatbot.Infrastructure;
using Chatbot.Infrastructure.Configuration;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Serilog;
using Serilog.Events;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace Chatbot.Api;

/// <summary>The composition root: what Program.cs wires, in order.</summary>
public static partial class ChatbotApi
{
    /// <summary>What the service calls itself in its telemetry (OpenTelemetry's <c>service.name</c>).</summary>
    public const string ServiceName = "chatbot-api";

    public const string DefaultUrl = "http://localhost:8000";
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddChatbotApi(this WebApplicationBuilder builder)
    {
        // Listen on port 8000 unless ASPNETCORE_URLS, --urls or ASPNETCORE_HTTP_PORTS say otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });

        // A burst of thousands of streams can overflow the default accept queue of 512 (the kernel drops connections and
        // the clients wait a second to retry); the kernel still caps it at net.core.somaxconn.
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 4096);

        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            // It warns on every degraded probe; RedisConnection warns once per interval instead.
            .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Error)
            // Program.cs says why the host could not start in one line (a port in use, say); the host's own entry
            // would add the stack trace.
            .Filter.ByExcluding(e => e.MessageTemplate.Text == "Hosting failed to start")
            .Enrich.FromLogContext()
            // The console is written by a background thread: a request hands its line over and goes on, instead
            // of writing it under the console's lock (docs/performance.md). Lines still waiting are written when
            // the logger is disposed at shutdown; past 10,000 waiting lines a request waits rather than a line being lost.
            .WriteTo.Async(
                sink => sink.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture),
                blockWhenFull: true));

        var services = builder.Services;
        var gateway = GatewayOptions.Read(builder.Configuration);
        services.AddApplication();
        services.AddInfrastructure();
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.Assemblies = [typeof(AskQuestionCommand)];
            options.PipelineBehaviors = [typeof(ValidationBehaviour<,>)];
            options.StreamPipelineBehaviors = [typeof(StreamValidationBehaviour<,>)];
        });

        // After AddMediator (the cache runs inside validation); each feature is registered only when it is on.
        services.AddGateway(gateway);
        if (gateway.ApiKeysRequired)
        {
            services.AddClientApiKeys(gateway.ApiKeys);
        }

        if (gateway.RateLimitPerMinute > 0)
        {
            services.AddClientRateLimits(gateway.RateLimitPerMinute);
        }

        services.AddControllers()
            .ConfigureApiBehaviorOptions(o => o.InvalidModelStateResponseFactory = ProblemDetailsSetup.InvalidModelState);
        services.AddRequestContractValidation();
        services.AddProblemDetailsEverywhere();
        services.AddChatbotOpenApi();

        if (ApiOptions.Read(builder.Configuration).Metrics)
        {
            services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService(ServiceName))
                .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ChatbotMetrics.MeterName)
                // Per-request instruments that say little here cost CPU on every request (docs/performance.md):
                // not collected. No exemplars either: the service records no traces to link them to.
                .AddView("http.client.request.time_in_queue", MetricStreamConfiguration.Drop)
                .AddView("aspnetcore.routing.match_attempts", MetricStreamConfiguration.Drop)
                .SetExemplarFilter(ExemplarFilterType.AlwaysOff)
                .AddPrometheusExporter());
        }

        services.AddSingleton<StreamShutdown>();
        services.AddSingleton<ProcessMemorySampler>();
        services.AddHostedService(sp => sp.GetRequiredService<ProcessMemorySampler>());
        services.AddHealthChecks();
        services.AddOptions<HostOptions>().Configure<IConfiguration>((host, configuration) =>
        {
            // Kestrel stops taking requests on SIGTERM and lets those in flight finish, up to this long.
            host.ShutdownTimeout = ApiOptions.Read(configuration).ShutdownTimeout;
        });
        return builder;
    }

    public static WebApplication UseChatbotApi(this WebApplication app)
    {
        var options = ApiOptions.Read(app.Configuration);
        if (options.PerformanceHeaders)
        {
            app.UseMiddleware<PerformanceHeadersMiddleware>();
        }

        if (options.RequestLogging)
        {
            app.UseSerilogRequestLogging(o =>
            {
                o.MessageTemplate = "{RequestMethod} {RequestPath} {StatusCode} {Elapsed:0.000} ms";

                // Serilog's own levels, but a stream cut by shutdown is no 200 like others, whatever its status line said.
                o.GetLevel = (http, _, ex) =>
                    ex is not null || http.Response.StatusCode > 499 ? LogEventLevel.Error
                    : StreamShutdown.WasCut(http) ? LogEventLevel.Warning
                    : LogEventLevel.Information;
            });
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The documents come before the keys: /docs, /redoc and /openapi.json are open, and "Authorize" in
        // Swagger UI is how a reader then calls the API.
        app.UseChatbotOpenApi();

        // A wrong key still counts against its IP address: authentication, then the limiter, then the 401.
        var gateway = app.Services.GetRequiredService<GatewayOptions>();
        if (gateway.ApiKeysRequired)
        {
            app.UseAuthentication();
        }

        if (gateway.RateLimitPerMinute > 0)
        {
            app.UseRateLimiter();
        }

        if (gateway.ApiKeysRequired)
        {
            app.UseAuthorization();
        }

        app.MapGet("/", () => Results.Redirect("/docs", permanent: false, preserveMethod: true))
            .ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();
        app.MapControllers();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { ResponseWriter = ReadinessResponse.WriteAsync })
            .ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();
        if (options.Metrics)
        {
            // Needs a key when keys are required (it tells traffic and models), but is never rate limited.
            app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription().DisableRateLimiting();
        }

        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app));
        return app;
    }

    private static void LogStarted(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<LlmOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILogger<HealthController>>();
        if (options.Provider == "echo")
        {
            // The echo provider calls nothing: no base URL or key to speak of.
            LogServingOffline(logger, options.Provider, options.Model);
        }
        else
        {
            LogServing(logger, options.Provider, options.Model, options.RedactedBaseUrl, options.MaskedApiKey);
        }

        if (options.Provider != "echo" && options.ApiKey is null)
        {
            LogNoKey(logger, options.Provider);
        }

        var gateway = app.Services.GetRequiredService<GatewayOptions>();
        var shared = gateway.SharedRedis is null ? "in this instance" : "in Redis at " + gateway.RedisEndpoints;
        LogGateway(
            logger,
            gateway.CacheEnabled ? $"{gateway.CacheTimeToLive.TotalSeconds:0} s, {shared}" : "off",
            gateway.ApiKeysRequired ? $"required ({gateway.ApiKeys.Count} accepted)" : "not required",
            gateway.RateLimitPerMinute > 0 ? $"{gateway.RateLimitPerMinute} per minute per client, {shared}" : "off");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving with provider {Provider}, model {Model}, base URL {BaseUrl}, API key {ApiKey}")]
    private static partial void LogServing(ILogger logger, string provider, string model, string baseUrl, string apiKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving with provider {Provider} (offline: it calls no LLM), model {Model}")]
    private static partial void LogServingOffline(ILogger logger, string provider, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answer cache {Cache}; client API keys {Keys}; rate limit {RateLimit}")]
    private static partial void LogGateway(ILogger logger, string cache, string keys, string rateLimit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LLM_API_KEY is not set: the {Provider} provider is called without credentials")]
    private static partial void LogNoKey(ILogger logger, string provider);
}
