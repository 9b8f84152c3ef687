using Chatbot.Application.Common.Diagnostics;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chatbot.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the validators. The mediator itself (the handlers, and the behaviours in the one order the host
    /// writes down) is source-generated into the host project, which calls <c>AddMediator</c>.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<ApplicationAssemblyMarker>(ServiceLifetime.Singleton);

        // IMeterFactory comes from the host (or AddInfrastructure).
        services.TryAddSingleton<ChatbotMetrics>();

        // The routes (IOptions<RouteTable>) and their adapters (IRouteProviders) come from AddInfrastructure.
        services.TryAddSingleton<Routing.ChatRouter>();
        return services;
    }
}

/// <summary>Names this assembly for scanning (validators, mediator messages, architecture tests).</summary>
public sealed class ApplicationAssemblyMarker;
