using Chatbot.Api.ErrorHandling;
using FluentValidation;
using FluentValidation.AspNetCore;

namespace Chatbot.Api.Contracts.Validation;

public static class RequestContractValidationSetup
{
    /// <summary>
    /// Validates the HTTP request contracts that have a validator in this assembly (today only /v1's
    /// <see cref="OpenAiChatRequest"/>) at MVC model binding, before the action runs; a failure goes to
    /// <see cref="ProblemDetailsSetup.InvalidModelState"/>. <c>/question</c> has none: its 422 comes from the
    /// command's validator in Application, as the original service answered.
    /// </summary>
    public static IServiceCollection AddRequestContractValidation(this IServiceCollection services)
    {
        // The validators are the rules: MVC's DataAnnotations pass would walk the whole body again for nothing.
        services.AddFluentValidationAutoValidation(o => o.DisableDataAnnotationsValidation = true);
        services.AddValidatorsFromAssemblyContaining<OpenAiChatRequestValidator>(ServiceLifetime.Singleton);
        services.AddSingleton<IValidatorInterceptor, BindingValidationInterceptor>();
        return services;
    }
}
