using Chatbot.Api;
using Chatbot.Api.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Configuration;
using Microsoft.Extensions.Options;
using Serilog;

// The container's health check runs this same binary.
if (args.Contains(HealthCheckProbe.Argument))
{
    return await HealthCheckProbe.RunAsync(args);
}

if (args.Contains(HelpText.Argument))
{
    HelpText.Write(Console.Out);
    return 0;
}

// Every start-up failure is one line on stderr and exit 1: a bad setting names its variable, never a stack trace.
string? dotEnvFile;
WebApplication app;
ServiceSettings settings;
try
{
    // .env fills in what the real environment does not set: the working directory's, else its nearest parent's.
    dotEnvFile = DotEnvFile.LoadInto(Directory.GetCurrentDirectory());

    var builder = WebApplication.CreateBuilder(args);
    settings = ServiceSettings.Read(builder.Configuration);
    builder.AddApi(settings);
    app = builder.Build();

    // The provider's options are bound once every adapter is registered; binding them now checks them too.
    _ = app.Services.GetRequiredService<IOptions<LlmOptions>>().Value;
}
catch (DotEnvFileException ex)
{
    await Console.Error.WriteLineAsync("Configuration error: " + ex.Message);
    return 1;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Configuration error: " + string.Join(" ", ex.Failures));
    return 1;
}

app.UseApi(settings, dotEnvFile);
try
{
    try
    {
        await app.StartAsync();
    }
    catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
    {
        // The common one is a port already in use: one line and exit 1, not a trace.
        await Console.Error.WriteLineAsync("Start-up error: " + (ex.InnerException?.Message is { } inner && !ex.Message.Contains(inner, StringComparison.OrdinalIgnoreCase)
            ? $"{ex.Message} ({inner})"
            : ex.Message));
        return 1;
    }

    await app.WaitForShutdownAsync();
    return 0;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>The entry point; public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
