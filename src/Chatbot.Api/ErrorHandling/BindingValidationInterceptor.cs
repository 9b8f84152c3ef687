using FluentValidation;
using FluentValidation.AspNetCore;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;

namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// Keeps the failures of FluentValidation's auto-validation for the invalid-model-state response. The model state
/// orders its keys by name, not by rule (<c>messages[10]</c> before <c>messages[2]</c>); the result keeps the rules'
/// order, so the error reported is the first rule broken, as the mediator's validation reports it.
/// </summary>
public sealed class BindingValidationInterceptor : IValidatorInterceptor
{
    private static readonly object ItemKey = new();

    public IValidationContext BeforeAspNetValidation(ActionContext actionContext, IValidationContext commonContext) => commonContext;

    public ValidationResult AfterAspNetValidation(ActionContext actionContext, IValidationContext validationContext, ValidationResult result)
    {
        if (!result.IsValid)
        {
            actionContext.HttpContext.Items[ItemKey] = result;
        }

        return result;
    }

    /// <summary>The first rule a validator at model binding found broken in this request, if any.</summary>
    public static ValidationFailure? FirstFailure(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var result) ? ((ValidationResult)result!).Errors.FirstOrDefault() : null;
}
