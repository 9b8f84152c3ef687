using Chatbot.Api.Contracts;
using Chatbot.Api.ErrorHandling;
using Chatbot.Api.OpenApi;
using Chatbot.Application.Chat.CompleteChat;
using Chatbot.Application.Chat.StreamChat;
using Chatbot.Application.Options;
using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Controllers;

/// <summary>
/// OpenAI's own API shape, so OpenAI's SDKs and tools can use this service as their base URL
/// (<c>http://host:8000/v1</c>). Same pipeline as /question: validation, retries, adapters, metrics.
/// </summary>
[ApiController]
[Route("v1")]
public sealed partial class OpenAiCompatibleController(
    ISender sender, IOptions<RouteTable> routes, TimeProvider timeProvider, ILogger<OpenAiCompatibleController> logger) : ControllerBase
{
    /// <summary>The models this service serves: every route (without a routes file, the configured model), the default first.</summary>
    /// <response code="200">OpenAI's model list: each route's name, and its provider as <c>owned_by</c>.</response>
    [HttpGet("models")]
    [ProducesResponseType<OpenAiModelList>(StatusCodes.Status200OK)]
    [ErrorResponses(ErrorCases.ClientKey)]
    public OpenAiModelList Models()
    {
        var table = routes.Value;
        return new(
            "list",
            [.. table.Routes.OrderBy(r => ReferenceEquals(r, table.Default) ? 0 : 1).Select(r => new OpenAiModel(r.Model, "model", 0, r.Llm.Provider))]);
    }

    /// <summary>Create a chat completion (OpenAI's request and response schema; <c>stream: true</c> for server-sent chunks).</summary>
    /// <param name="request">OpenAI's chat completion request.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <response code="200">A <c>chat.completion</c>, or with <c>stream</c> a <c>text/event-stream</c> of <c>chat.completion.chunk</c> events ending with <c>[DONE]</c>.</response>
    [HttpPost("chat/completions")]
    [ServiceFilter<ChatBodyLimitFilter>(IsReusable = true)]
    [Consumes("application/json")]
    [ProducesResponseType<OpenAiChatCompletion>(StatusCodes.Status200OK)]
    [EventStream<OpenAiChatChunk>]
    [ErrorResponses(ErrorCases.ClientKey | ErrorCases.JsonBody | ErrorCases.UnknownModel | ErrorCases.Provider)]
    public async Task<IActionResult> ChatCompletions(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] OpenAiChatRequest? request,
        CancellationToken cancellationToken)
    {
        // Model binding's validation let only the wire's known shapes through; an empty body fails the use case's rules.
        var chat = request?.Messages is null
            ? new Domain.Chat.ChatCompletionRequest([], request?.Model ?? string.Empty)
            : OpenAiChatMapping.ToDomain(request);
        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();

        if (request?.Stream != true)
        {
            var completion = await sender.Send(new CompleteChatCommand(chat), cancellationToken);
            RouteHeader.Set(Response, completion.Route);
            return new WireJsonResult<OpenAiChatCompletion>(OpenAiChatMapping.ToWire(completion, created), OpenAiWireJson.Default.OpenAiChatCompletion);
        }

        using var stream = StreamShutdown.Open(HttpContext);
        var updates = stream.Read(sender.CreateStream(new StreamChatCommand(chat), stream.Token));
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);

        // Until the first piece nothing is written: a failure here is an error with its status.
        if (!await enumerator.MoveNextAsync())
        {
            throw new InvalidOperationException("The provider's stream ended before its first piece.");
        }

        // One id and one time for the whole stream: the provider's first, else the service's. The model is the provider's.
        var first = enumerator.Current;
        var id = first.Id ?? OpenAiChatMapping.NewCompletionId();
        created = first.Created ?? created;
        var model = first.Model
            ?? (first.Route is { } route && routes.Value.TryGet(route, out var serving) ? serving.Llm.Model : routes.Value.Default.Llm.Model);
        var includeUsage = chat.IncludeUsage;
        ServerSentEvents.Start(Response);
        RouteHeader.Set(Response, first.Route);
        try
        {
            do
            {
                var update = enumerator.Current;
                // Usage goes out only when the client asked for it; a piece with nothing else in it is then left out.
                if (update.Choices.Count > 0 || (includeUsage && update.Usage is not null))
                {
                    await ServerSentEvents.WriteDataAsync(
                        Response, OpenAiChatMapping.ToWire(update, id, created, model, includeUsage), OpenAiWireJson.Default.OpenAiChatChunk, cancellationToken);
                }
            }
            while (await enumerator.MoveNextAsync());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (ex is not StreamCutByShutdownException)
            {
                LogStreamFailed(logger, ex);
            }

            await ServerSentEvents.WriteErrorAsync(Response, ErrorShape.StreamErrorPayload(HttpContext, ex), cancellationToken);
            return new EmptyResult();
        }

        await ServerSentEvents.WriteDoneAsync(Response, cancellationToken);
        return new EmptyResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chat completion stream failed after its first piece")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
