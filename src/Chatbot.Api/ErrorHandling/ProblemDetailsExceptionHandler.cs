using Chatbot.Application.Common.Exceptions;
using Chatbot.Domain.Providers;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// The one table of exception → status and problem details; <see cref="ErrorShape"/> writes the answer in the path's
/// shape. Nothing of the exception reaches the client.
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            LogClientAborted(logger, httpContext.Request.Path);
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        var problem = Map(exception);
        switch (exception)
        {
            case ProviderException provider:
                LogProviderFailure(logger, provider.Kind, problem.Status ?? 0, provider.Message);
                break;
            // StreamShutdown has logged the cut.
            case RequestValidationException or RequestBodyException or BadHttpRequestException or StreamCutByShutdownException:
                break;
            default:
                LogUnexpected(logger, exception);
                break;
        }

        return await ErrorShape.WriteAsync(httpContext, exception);
    }

    public static ProblemDetails Map(Exception exception) => exception switch
    {
        RequestValidationException validation => new HttpValidationProblemDetails(
            validation.Errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Detail = ProblemTexts.Validation,
        },
        ProviderAuthenticationException => Problem(StatusCodes.Status401Unauthorized, ProblemTexts.ProviderAuthentication),
        ProviderRateLimitedException => Problem(StatusCodes.Status429TooManyRequests, ProblemTexts.ProviderRateLimited),
        ProviderInvalidResponseException => Problem(StatusCodes.Status502BadGateway, ProblemTexts.ProviderInvalidResponse),
        // /question's contract: a provider's 4xx is a bad gateway; /v1 answers it with the provider's own error (OpenAiErrors).
        ProviderRejectedRequestException => Problem(StatusCodes.Status502BadGateway, ProblemTexts.ProviderInvalidResponse),
        ProviderUnavailableException => Problem(StatusCodes.Status503ServiceUnavailable, ProblemTexts.ProviderUnavailable),
        ProviderCircuitOpenException => Problem(StatusCodes.Status503ServiceUnavailable, ProblemTexts.ProviderUnavailable),
        ProviderTimeoutException => Problem(StatusCodes.Status504GatewayTimeout, ProblemTexts.ProviderTimeout),
        StreamCutByShutdownException => Problem(StatusCodes.Status503ServiceUnavailable, ProblemTexts.ServiceStopping),
        RequestBodyException body => Problem(StatusCodes.Status400BadRequest, RequestBodyException.Text(body.Fault)),
        BadHttpRequestException bad => Problem(bad.StatusCode, ProblemTexts.ForStatus(bad.StatusCode)),
        _ => Problem(StatusCodes.Status500InternalServerError, ProblemTexts.Internal),
    };

    private static ProblemDetails Problem(int status, string detail) => new() { Status = status, Detail = detail };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client closed the request to {Path} before the answer")]
    private static partial void LogClientAborted(ILogger logger, PathString path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider failure {Kind} answered as {Status}: {Reason}")]
    private static partial void LogProviderFailure(ILogger logger, ProviderFailureKind kind, int status, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
