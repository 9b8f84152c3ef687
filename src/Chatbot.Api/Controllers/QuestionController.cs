using Chatbot.Api.Contracts;
using Chatbot.Api.OpenApi;
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
    /// <response code="422">The text is missing, empty, blank or longer than 1024 characters.</response>
    [HttpPost]
    [Consumes("application/json")]
    [ProducesResponseType<AnswerResponse>(StatusCodes.Status200OK)]
    [ErrorResponses(ErrorCases.ClientKey | ErrorCases.JsonBody | ErrorCases.Provider)]
    public async Task<ActionResult<AnswerResponse>> Ask(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] QuestionRequest? request,
        CancellationToken cancellationToken)
    {
        // An empty body or JSON null means "no text": the validator answers 422, as the original did.
        var result = await sender.Send(new AskQuestionCommand(request?.Text), cancellationToken);
        RouteHeader.Set(Response, result.Route);
        if (result.Cache != CacheOutcome.None)
        {
            Response.Headers[CacheHeader.Name] = CacheHeader.Value(result.Cache);
        }

        return new AnswerResponse(result.Text);
    }
}
