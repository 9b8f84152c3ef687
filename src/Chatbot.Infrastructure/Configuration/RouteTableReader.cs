using System.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// Reads the <see cref="RouteTable"/> once at start: the routes of <c>LLM_ROUTES_FILE</c> (<see cref="RoutesFile"/>),
/// or, without it, the one route that today's <c>LLM_*</c> variables describe, so that a configuration without a
/// file means exactly what it meant before routes. Every bad value, in the variables or in the file, is one failure
/// of one <see cref="OptionsValidationException"/>, as for every other concern.
/// </summary>
public static class RouteTableReader
{
    public static RouteTable Read(IConfiguration configuration, ProviderCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(catalog);
        var reader = new SettingsReader(configuration);
        var breaker = new BreakerDefaults(
            reader.WholeNumber(Variables.BreakerFailures) ?? Variables.BreakerFailures.DefaultValue!.Value,
            TimeSpan.FromSeconds(reader.Number(Variables.BreakerSeconds)));

        var table = reader.Text(Variables.RoutesFile) is { } path
            ? RoutesFile.Read(path.Trim(), reader, catalog, breaker)
            : SingleRoute(reader, catalog, breaker);
        reader.ThrowIfInvalid<RouteTable>();
        return table ?? throw new UnreachableException("A routes file that gave no table recorded why.");
    }

    private static RouteTable SingleRoute(SettingsReader reader, ProviderCatalog catalog, BreakerDefaults breaker)
    {
        var options = new LlmOptions();
        LlmOptionsSetup.ReadProvider(reader, catalog, options);
        LlmOptionsSetup.ReadDefaults(reader, options);
        var route = new ChatRoute(
            options.Model, options, [], breaker.Duration, breaker.Failures, options.ApiKey is null ? null : Variables.ApiKey.Name);
        return new RouteTable([route], route.Model, filePath: null);
    }
}

/// <summary><c>LLM_BREAKER_FAILURES</c> and <c>LLM_BREAKER_SECONDS</c>: every route's, unless its <c>breakSeconds</c> says otherwise.</summary>
internal readonly record struct BreakerDefaults(int Failures, TimeSpan Duration);
