using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chatbot.Api.ErrorHandling;

public static class ProblemDetailsSetup
{
    /// <summary>
    /// RFC 9457 bodies everywhere but <c>/v1</c>: title, status, detail and a trace id on every one. <c>/v1</c> answers
    /// in OpenAI's shape (<see cref="ErrorShape"/>): its writer goes ahead of the framework's, whichever registered first.
    /// </summary>
    public static IServiceCollection AddProblemDetailsEverywhere(this IServiceCollection services)
    {
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenAiProblemDetailsWriter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context => Complete(context.ProblemDetails, context.HttpContext));
        services.Replace(ServiceDescriptor.Singleton<IClientErrorFactory, ErrorResultClientErrorFactory>());

        // The model state then keeps System.Text.Json's exception itself, which ModelBindingFailures reads, rather than
        // only its message (which names .NET types and is no text for a client anyway).
        services.Configure<JsonOptions>(o => o.AllowInputFormatterExceptionMessages = false);
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        return services;
    }

    /// <summary>The members every problem of this service has, whoever wrote it.</summary>
    public static void Complete(ProblemDetails problem, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(context);
        problem.Status ??= context.Response.StatusCode;
        var status = problem.Status.Value;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        problem.Detail ??= ProblemTexts.ForStatus(status);
        problem.Type ??= "about:blank";
        problem.Instance ??= context.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier;
    }

    /// <summary>
    /// MVC's answer to a body it could not bind or that broke the request contract's validator at binding
    /// (<see cref="ModelBindingFailures"/>), in the shape <see cref="ErrorShape"/> gives the path.
    /// </summary>
    public static IActionResult InvalidModelState(ActionContext context) => new ErrorResult(ModelBindingFailures.From(context));
}
