using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.WebUtilities;

namespace Chatbot.Api.ErrorHandling;

public static class ProblemDetailsSetup
{
    /// <summary>RFC 9457 bodies everywhere: title, status, detail and a trace id on every one.</summary>
    public static IServiceCollection AddProblemDetailsEverywhere(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Status ??= context.HttpContext.Response.StatusCode;
            var status = problem.Status.Value;
            problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
            problem.Detail ??= ProblemTexts.ForStatus(status);
            problem.Type ??= "about:blank";
            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        return services;
    }

    /// <summary>
    /// MVC reports a body it could not read through the model state: a value of the wrong JSON type under a
    /// known field is a validation error (422, as the original service answered); anything else is malformed JSON (400).
    /// On <c>/v1</c> a rule broken at model binding (the request contract's validator) is OpenAI's 400 naming the field.
    /// </summary>
    public static IActionResult InvalidModelState(ActionContext context)
    {
        if (OpenAiErrors.AppliesTo(context.HttpContext))
        {
            return new BadRequestObjectResult(BindingValidationInterceptor.FirstFailure(context.HttpContext) is { } failure
                ? OpenAiErrors.InvalidRequest(failure.ErrorMessage, failure.PropertyName)
                : OpenAiErrors.MalformedJson());
        }

        var fieldErrors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, entry) in context.ModelState)
        {
            if (entry.ValidationState != ModelValidationState.Invalid)
            {
                continue;
            }

            var field = FieldName(key);
            if (field.Length > 0 && entry.Errors.Any(e => e.ErrorMessage.Contains("could not be converted", StringComparison.Ordinal)))
            {
                fieldErrors[field] = [$"The {field} field has the wrong JSON type."];
            }
        }

        var factory = context.HttpContext.RequestServices.GetRequiredService<ProblemDetailsFactory>();
        ProblemDetails problem = fieldErrors.Count > 0
            ? factory.CreateValidationProblemDetails(
                context.HttpContext, ToModelState(fieldErrors), StatusCodes.Status422UnprocessableEntity, detail: ProblemTexts.Validation)
            : factory.CreateProblemDetails(
                context.HttpContext, StatusCodes.Status400BadRequest, detail: ProblemTexts.MalformedJson);
        return new ObjectResult(problem)
        {
            StatusCode = problem.Status,
            ContentTypes = { "application/problem+json" },
        };
    }

    // "$.text", "request.$.text" or "text" → "text"; "$" or "" → "".
    private static string FieldName(string key)
    {
        var index = key.LastIndexOf("$.", StringComparison.Ordinal);
        var name = index >= 0 ? key[(index + 2)..] : key;
        return name is "$" or "request" ? string.Empty : name;
    }

    private static ModelStateDictionary ToModelState(Dictionary<string, string[]> errors)
    {
        var state = new ModelStateDictionary();
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                state.AddModelError(field, message);
            }
        }

        return state;
    }
}
