using Chatbot.Api.Contracts;
using Chatbot.Application.Questions.AskQuestion;
using Chatbot.Application.Questions.Caching;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Chatbot.Api.Controllers;

[ApiController]
[Route("question")]
public sealed class QuestionController(ISender sender) : ControllerBase
{
    /// <summary>Ask the model a question.</summary>
    /// <remarks>
    /// Sends the text (with the configured system prompt, if any) to the configured LLM provider and returns
    /// its answer. Transient provider failures (429, 5xx, unreachable, timeout) are retried with exponential
    /// back-off before an error is returned.
    /// </remarks>
    /// <param name="request">The question.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <response code="200">The model's answer.</response>
    /// <response code="400">The body is not valid JSON.</response>
    /// <response code="401">No valid client API key (only when the service requires keys), or the LLM provider rejected this service's credentials.</response>
    /// <response code="413">The body is larger than 64 KiB.</response>
    /// <response code="415">The body is not <c>application/json</c>.</response>
    /// <response code="422">The text is missing, empty, blank or longer than 1024 characters.</response>
    /// <response code="429">This client went past its rate limit, or the LLM provider still rate-limits after the retries; see <c>Retry-After</c>.</response>
    /// <response code="500">An unexpected error.</response>
    /// <response code="502">The LLM provider answered with something unusable (not a completion, no content, an answer over LLM_MAX_RESPONSE_KB, a stream cut before its end).</response>
    /// <response code="503">The LLM provider could not be reached.</response>
    /// <response code="504">The LLM provider did not answer within the timeout.</response>
    [HttpPost]
    [Consumes("application/json")]
    [ProducesResponseType<AnswerResponse>(StatusCodes.Status200OK)]
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
    public async Task<ActionResult<AnswerResponse>> Ask(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] QuestionRequest? request,
        CancellationToken cancellationToken)
    {
        // An empty body or JSON null means "no text": the validator answers 422, as the original did.
        var result = await sender.Send(new AskQuestionCommand(request?.Text), cancellationToken);
        if (result.Cache != CacheOutcome.None)
        {
            Response.Headers[CacheHeader.Name] = CacheHeader.Value(result.Cache);
        }

        return new AnswerResponse(result.Text);
    }
}
