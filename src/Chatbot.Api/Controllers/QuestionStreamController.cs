using System.Text.Json;
using Chatbot.Api.Contracts;
using Chatbot.Api.ErrorHandling;
using Chatbot.Api.OpenApi;
using Chatbot.Application.Questions.Caching;
using Chatbot.Application.Questions.StreamQuestion;
using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Chatbot.Api.Controllers;

[ApiController]
[Route("question/stream")]
public sealed partial class QuestionStreamController(ISender sender, ILogger<QuestionStreamController> logger) : ControllerBase
{
    /// <summary>Ask the model a question and receive the answer as server-sent events, piece by piece.</summary>
    /// <remarks>
    /// Answers <c>text/event-stream</c>: one event per piece, <c>data: {"text":"&lt;piece&gt;"}</c>, then <c>data: [DONE]</c>.
    /// The pieces joined equal the answer of <c>POST /question</c>. A failure before the first piece answers with the same
    /// problem details and status as <c>POST /question</c> (retries apply until then); a failure after it sends
    /// <c>event: error</c> with a problem object, then closes the stream. Closing the connection cancels the upstream request.
    /// </remarks>
    /// <param name="request">The question.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <response code="200">The answer as a stream of server-sent events.</response>
    /// <response code="422">The text is missing, empty, blank or longer than 1024 characters.</response>
    [HttpPost]
    [Consumes("application/json")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [EventStream<StreamPiece>]
    [ErrorResponses(ErrorCases.ClientKey | ErrorCases.JsonBody | ErrorCases.Provider)]
    public async Task Stream(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] QuestionRequest? request,
        CancellationToken cancellationToken)
    {
        var command = new StreamQuestionCommand(request?.Text);
        using var stream = StreamShutdown.Open(HttpContext);
        var pieces = stream.Read(sender.CreateStream(command, stream.Token));
        await using var enumerator = pieces.GetAsyncEnumerator(cancellationToken);

        // Until the first piece nothing is written: a failure here becomes problem+json with its status.
        if (!await enumerator.MoveNextAsync())
        {
            throw new InvalidOperationException("The provider's stream ended before its first piece.");
        }

        ServerSentEvents.Start(Response);
        RouteHeader.Set(Response, enumerator.Current.Route);
        if (enumerator.Current.Cache != CacheOutcome.None)
        {
            Response.Headers[CacheHeader.Name] = CacheHeader.Value(enumerator.Current.Cache);
        }

        try
        {
            do
            {
                await ServerSentEvents.WriteDataAsync(Response, new StreamPiece(enumerator.Current.Text), cancellationToken);
            }
            while (await enumerator.MoveNextAsync());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Headers are gone: the failure travels as an event, then the stream closes without [DONE].
            if (ex is not StreamCutByShutdownException)
            {
                LogStreamFailed(logger, ex);
            }

            await ServerSentEvents.WriteErrorAsync(Response, ErrorShape.StreamErrorPayload(HttpContext, ex), cancellationToken);
            return;
        }

        await ServerSentEvents.WriteDoneAsync(Response, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer stream failed after its first piece")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
