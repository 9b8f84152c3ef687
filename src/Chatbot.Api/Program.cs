using Chatbot.Api;
using Chatbot.Api.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Configuration;
using Microsoft.Extensions.Options;
using Serilog;

if (args.Contains(HealthCheckProbe.Argument))
{
    return await HealthCheckProbe.RunAsync(args);
}

// .env in the working directory fills in what the real environment does not set.
try
{
    DotEnvFile.LoadInto(Directory.GetCurrentDirectory());
}
catch (DotEnvFileException ex)
{
    await Console.Error.WriteLineAsync("Configuration error: " + ex.Message);
    return 1;
}

WebApplication app;
try
{
    // Bind and check the settings before the host starts: a bad one stops the start with one line
    // that names the variable, and no stack trace. Some are read while the services are registered.
    var builder = WebApplication.CreateBuilder(args);
    builder.AddChatbotApi();
    app = builder.Build();
    _ = app.Services.GetRequiredService<IOptions<LlmOptions>>().Value;
    _ = ApiOptions.Read(app.Configuration);
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Configuration error: " + string.Join(" ", ex.Failures));
    return 1;
}

app.UseChatbotApi();
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
