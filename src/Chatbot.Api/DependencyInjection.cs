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
using Chatbot.Application.Questions.Caching;
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

/// <summary>The Api's composition root: the HTTP host, the mediator's pipeline, and the middleware in order.</summary>
public static partial class DependencyInjection
{
    /// <summary>What the service calls itself in its telemetry (OpenTelemetry's <c>service.name</c>).</summary>
    public const string ServiceName = "chatbot-api";

    public const string DefaultUrl = "http://localhost:8000";
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Kestrel, logging, the layers below, the mediator and the HTTP surface, as <paramref name="settings"/> say.</summary>
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder, ServiceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
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
        services.AddApplication();
        services.AddInfrastructure(settings);

        // The pipeline's order, outermost first, written only here: validation, then the answer cache. A behaviour
        // whose feature is off passes the message straight through.
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.Assemblies = [typeof(AskQuestionCommand)];
            options.PipelineBehaviors = [typeof(ValidationBehaviour<,>), typeof(AnswerCacheBehaviour)];
            options.StreamPipelineBehaviors = [typeof(StreamValidationBehaviour<,>), typeof(StreamAnswerCacheBehaviour)];
        });

        // Each feature is registered only when it is on.
        if (settings.ClientKeys.Required)
        {
            services.AddClientApiKeys(settings.ClientKeys.Keys);
        }

        if (settings.RateLimit.Enabled)
        {
            services.AddClientRateLimits(settings.RateLimit.PerMinute);
        }

        services.AddSingleton(new Controllers.ChatBodyLimitFilter(settings.Hosting.ChatMaxBodyBytes));
        // The /v1 request's validator checks the whole body itself: MVC's validation need not walk its messages,
        // parts and JSON values one by one (measured: a third of /v1's CPU per request, docs/performance.md).
        services.AddControllers(o => o.ModelMetadataDetailsProviders.Add(
                new Microsoft.AspNetCore.Mvc.ModelBinding.SuppressChildValidationMetadataProvider(typeof(Contracts.OpenAiChatRequest))))
            .ConfigureApiBehaviorOptions(o => o.InvalidModelStateResponseFactory = ProblemDetailsSetup.InvalidModelState);
        services.AddRequestContractValidation();
        services.AddProblemDetailsEverywhere();
        services.AddChatbotOpenApi();

        if (settings.Hosting.Metrics)
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
        // Kestrel stops taking requests on SIGTERM and lets those in flight finish, up to this long.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.Hosting.ShutdownTimeout);
        return builder;
    }

    /// <summary>The middleware in order, then the endpoints. <paramref name="dotEnvFile"/> is the .env file read, if any.</summary>
    public static WebApplication UseApi(this WebApplication app, ServiceSettings settings, string? dotEnvFile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Hosting;
        if (options.PerformanceHeaders)
        {
            app.UseMiddleware<PerformanceHeadersMiddleware>();
        }

        if (options.RequestLogging)
        {
            app.UseSerilogRequestLogging(o =>
            {
                o.MessageTemplate = "{RequestMethod} {RequestPath} {StatusCode} {Elapsed:0.000} ms{Served}";

                // An answer says which route served it, and that route's provider (also as properties of their own).
                o.EnrichDiagnosticContext = (diagnostics, http) =>
                {
                    var route = http.Response.Headers[Controllers.RouteHeader.Name].ToString();
                    if (route.Length > 0
                        && http.RequestServices.GetRequiredService<IOptions<RouteTable>>().Value.TryGet(route, out var served))
                    {
                        diagnostics.Set("Route", route);
                        diagnostics.Set("Provider", served.Llm.Provider);
                        diagnostics.Set("Served", $" route {route} provider {served.Llm.Provider}");
                    }
                    else
                    {
                        diagnostics.Set("Served", string.Empty);
                    }
                };

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
        if (settings.ClientKeys.Required)
        {
            app.UseAuthentication();
        }

        if (settings.RateLimit.Enabled)
        {
            app.UseRateLimiter();
        }

        if (settings.ClientKeys.Required)
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

        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app, settings, dotEnvFile));
        return app;
    }

    private static void LogStarted(WebApplication app, ServiceSettings settings, string? dotEnvFile)
    {
        var options = app.Services.GetRequiredService<IOptions<LlmOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILogger<HealthController>>();
        if (dotEnvFile is null)
        {
            LogNoDotEnv(logger);
        }
        else
        {
            LogDotEnv(logger, dotEnvFile);
        }

        if (options.Provider == "echo")
        {
            // The echo provider calls nothing: no base URL or key to speak of.
            LogServingOffline(logger, options.Provider, options.Model);
        }
        else
        {
            LogServing(logger, options.Provider, options.Model, options.RedactedBaseUrl, options.MaskedApiKey);
        }

        var routes = app.Services.GetRequiredService<RouteTable>();
        if (routes.FromFile)
        {
            // A route without apiKeyEnv is keyless by choice; the line names each key's variable, never more of a key than LLM_API_KEY's 4 characters.
            LogRoutes(logger, routes.FilePath, string.Join("; ", routes.Routes.Select(DescribeRoute)), routes.Default.Model);
        }
        else if (options.Provider != "echo" && options.ApiKey is null)
        {
            LogNoKey(logger, options.Provider);
        }

        var shared = settings.SharedRedis is null ? "in this instance" : "in Redis at " + settings.Redis.Endpoints;
        LogGateway(
            logger,
            settings.Cache.Enabled ? $"{settings.Cache.TimeToLive.TotalSeconds:0} s, {shared}" : "off",
            settings.ClientKeys.Required ? $"required ({settings.ClientKeys.Keys.Count} accepted)" : "not required",
            settings.RateLimit.Enabled ? $"{settings.RateLimit.PerMinute} per minute per client, {shared}" : "off");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Settings from the environment and {DotEnvFile} (the environment wins)")]
    private static partial void LogDotEnv(ILogger logger, string dotEnvFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Settings from the environment only: no .env file in the working directory or its parents")]
    private static partial void LogNoDotEnv(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving with provider {Provider}, model {Model}, base URL {BaseUrl}, API key {ApiKey}")]
    private static partial void LogServing(ILogger logger, string provider, string model, string baseUrl, string apiKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving with provider {Provider} (offline: it calls no LLM), model {Model}")]
    private static partial void LogServingOffline(ILogger logger, string provider, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answer cache {Cache}; client API keys {Keys}; rate limit {RateLimit}")]
    private static partial void LogGateway(ILogger logger, string cache, string keys, string rateLimit);

    private static string DescribeRoute(ChatRoute route) =>
        $"{route.Model}: {route.Llm.Provider} {route.Llm.Model}"
        + (route.Llm.Provider == "echo" ? string.Empty : $" at {route.Llm.RedactedBaseUrl}")
        + (route.ApiKeyEnv is null ? ", no key" : $", key {route.ApiKeyEnv} {route.Llm.MaskedApiKey}")
        + (route.Fallbacks.Count == 0 ? string.Empty : ", then " + string.Join(", ", route.Fallbacks));

    [LoggerMessage(Level = LogLevel.Information, Message = "Routes from {RoutesFile}: {Routes}; /question uses {DefaultModel}")]
    private static partial void LogRoutes(ILogger logger, string routesFile, string routes, string defaultModel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LLM_API_KEY is not set: the {Provider} provider is called without credentials")]
    private static partial void LogNoKey(ILogger logger, string provider);
}
