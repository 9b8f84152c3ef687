using System.Globalization;
using Chatbot.Domain.Providers;
using Microsoft.AspNetCore.Mvc;

namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// The one place that decides an error's shape: OpenAI's <c>{"error":{...}}</c> under <c>/v1</c>, so OpenAI's SDKs
/// read it, and RFC 9457 problem details everywhere else. Every error is written through
/// <see cref="IProblemDetailsService"/>, where <see cref="OpenAiProblemDetailsWriter"/> comes first and takes
/// <c>/v1</c>; a stream whose headers are gone asks <see cref="StreamErrorPayload"/> for the same body.
/// </summary>
public static class ErrorShape
{
    public static bool IsOpenAi(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal);
    }

    /// <summary>The answer to <paramref name="exception"/> before anything was written: status, Retry-After and body.</summary>
    public static ValueTask<bool> WriteAsync(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = ProblemDetailsExceptionHandler.Map(exception);
        // A rate limit says the provider's wait; an open circuit the rest of its break (at least a second).
        var retryAfter = exception switch
        {
            ProviderRateLimitedException { RetryAfter: { } wait } => Math.Ceiling(wait.TotalSeconds),
            ProviderCircuitOpenException open => Math.Max(1, Math.Ceiling(open.RetryAfter.TotalSeconds)),
            _ => (double?)null,
        };
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return WriteAsync(context, problem, exception);
    }

    /// <summary>An error the framework or this service's own gates decided by status alone (404, 405, 415, the client's 401 and 429).</summary>
    public static ValueTask<bool> WriteAsync(HttpContext context, int status, string? detail = null) =>
        WriteAsync(context, new ProblemDetails { Status = status, Detail = detail }, exception: null);

    /// <summary>The payload of a stream's <c>event: error</c>: the body the same failure gets before the first piece.</summary>
    public static object StreamErrorPayload(HttpContext context, Exception exception)
    {
        if (IsOpenAi(context))
        {
            return OpenAiErrors.From(exception, context).Body;
        }

        var problem = ProblemDetailsExceptionHandler.Map(exception);
        ProblemDetailsSetup.Complete(problem, context);
        return problem;
    }

    private static async ValueTask<bool> WriteAsync(HttpContext context, ProblemDetails problem, Exception? exception)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }
}
