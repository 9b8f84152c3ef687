using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// An error MVC decided (a body model binding could not take, a client error such as 415), written by
/// <see cref="ErrorShape"/> like every other error instead of by MVC's own formatters.
/// </summary>
public sealed class ErrorResult : IActionResult
{
    private readonly Exception? _exception;
    private readonly int _status;

    public ErrorResult(Exception exception) => _exception = exception;

    public ErrorResult(int status) => _status = status;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;

        // With the controller's endpoint set, MVC's own problem details writer would rebuild the problem and drop a
        // validation problem's errors (dotnet/aspnetcore#53779); without it the general writer keeps them, as for
        // the exceptions the handler answers (the exception handler clears the endpoint too). Put back for the logs.
        var endpoint = http.GetEndpoint();
        http.SetEndpoint(null);
        try
        {
            _ = _exception is null
                ? await ErrorShape.WriteAsync(http, _status)
                : await ErrorShape.WriteAsync(http, _exception);
        }
        finally
        {
            http.SetEndpoint(endpoint);
        }
    }
}

/// <summary>MVC's client errors (415 from <c>[Consumes]</c>, a <c>NotFound()</c>) as <see cref="ErrorResult"/>s.</summary>
public sealed class ErrorResultClientErrorFactory : IClientErrorFactory
{
    public IActionResult GetClientError(ActionContext actionContext, IClientErrorActionResult clientError)
    {
        ArgumentNullException.ThrowIfNull(clientError);
        return new ErrorResult(clientError.StatusCode ?? StatusCodes.Status500InternalServerError);
    }
}
