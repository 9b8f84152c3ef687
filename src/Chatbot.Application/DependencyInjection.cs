using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.AskQuestion;
using Chatbot.Application.Questions.Caching;
using Chatbot.Application.Questions.StreamQuestion;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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

        // IMeterFactory comes from the host (or AddInfrastructure).
        services.TryAddSingleton<ChatbotMetrics>();
        return services;
    }

    /// <summary>
    /// Caches the answers of <c>/question</c> and <c>/question/stream</c> (an <see cref="Abstractions.IAnswerCache"/>
    /// must be registered too). Call it after <c>AddMediator</c>: the mediator runs behaviours in the order they
    /// were registered, and validation must come first. Not called at all when the cache is off, so that a
    /// question then costs nothing more.
    /// </summary>
    public static IServiceCollection AddAnswerCaching(this IServiceCollection services, AnswerCacheOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<IPipelineBehavior<AskQuestionCommand, AskQuestionResult>, AnswerCacheBehaviour>();
        services.AddSingleton<IStreamPipelineBehavior<StreamQuestionCommand, string>, StreamAnswerCacheBehaviour>();
        return services;
    }
}

/// <summary>Names this assembly for scanning (validators, mediator messages, architecture tests).</summary>
public sealed class ApplicationAssemblyMarker;
