using System.Text.Json;
using Chatbot.Api.Contracts;
using Chatbot.Api.ErrorHandling;
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
    /// <response code="400">The body is not valid JSON.</response>
    /// <response code="401">No valid client API key (only when the service requires keys), or the LLM provider rejected this service's credentials.</response>
    /// <response code="413">The body is larger than 64 KiB.</response>
    /// <response code="415">The body is not <c>application/json</c>.</response>
    /// <response code="422">The text is missing, empty, blank or longer than 1024 characters.</response>
    /// <response code="429">This client went past its rate limit, or the LLM provider still rate-limits after the retries; see <c>Retry-After</c>.</response>
    /// <response code="500">An unexpected error.</response>
    /// <response code="502">The LLM provider answered with something unusable (not a completion, no content, an answer over LLM_MAX_RESPONSE_KB, a stream cut before its end).</response>
    /// <response code="503">The LLM provider could not be reached, or (once pieces have gone out, as an error event) the service shut down before the stream ended.</response>
    /// <response code="504">The LLM provider did not answer within the timeout.</response>
    [HttpPost]
    [Consumes("application/json")]
    [ProducesResponseType<StreamPiece>(StatusCodes.Status200OK, "text/event-stream")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status429TooManyRequests, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status500InternalServerError, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status502BadGateway, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status504GatewayTimeout, "application/problem+json")]
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
