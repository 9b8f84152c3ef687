using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Application;

public static class DependencyInjection
{
    /// <summary>
    /// Registers the validators. The mediator itself (handlers, behaviours) is source-generated into the
    /// host project, which calls <c>AddMediator</c>.
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<ApplicationAssemblyMarker>(ServiceLifetime.Singleton);
        return services;
    }
}

/// <summary>Names this assembly for scanning (validators, mediator messages, architecture tests).</summary>
public sealed class ApplicationAssemblyMarker;
