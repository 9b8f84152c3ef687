namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// Writes every error under <c>/v1</c> in OpenAI's shape, whatever produced it: the exception handler, status code
/// pages (404, 405), MVC (400, 415), the client key's 401 and the client rate limit's 429. Registered ahead of the
/// framework's problem details writers, which answer everything else.
/// </summary>
public sealed class OpenAiProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ErrorShape.IsOpenAi(context.HttpContext);
    }

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var (status, body) = context.Exception is { } exception
            ? OpenAiErrors.From(exception, http)
            : OpenAiErrors.ForStatus(context.ProblemDetails.Status ?? http.Response.StatusCode, context.ProblemDetails.Detail, http.Request);

        // OpenAI's status for a failure can differ from the problem's: a broken rule is its 400, not RFC 9457's 422.
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(body, ApiJson.Options, http.RequestAborted);
    }
}
