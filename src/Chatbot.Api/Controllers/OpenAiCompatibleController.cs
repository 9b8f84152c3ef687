using System.Text.Json;
using Chatbot.Api.Contracts;
using Chatbot.Api.ErrorHandling;
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
    ISender sender, IOptions<LlmOptions> options, TimeProvider timeProvider, ILogger<OpenAiCompatibleController> logger) : ControllerBase
{
    /// <summary>The models this service serves: the configured one.</summary>
    /// <response code="200">OpenAI's model list.</response>
    /// <response code="401">No valid client API key (only when the service requires keys).</response>
    /// <response code="429">This client went past its rate limit; see <c>Retry-After</c>.</response>
    [HttpGet("models")]
    [ProducesResponseType<OpenAiModelList>(StatusCodes.Status200OK)]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status401Unauthorized, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status429TooManyRequests, "application/json")]
    public OpenAiModelList Models() =>
        new("list", [new OpenAiModel(options.Value.Model, "model", 0, options.Value.Provider)]);

    /// <summary>Create a chat completion (OpenAI's request and response schema; <c>stream: true</c> for server-sent chunks).</summary>
    /// <param name="request">OpenAI's chat completion request.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <response code="200">A <c>chat.completion</c>, or with <c>stream</c> a <c>text/event-stream</c> of <c>chat.completion.chunk</c> events ending with <c>[DONE]</c>.</response>
    /// <response code="400">Invalid request (roles, sizes, number of messages, ranges); OpenAI's error body.</response>
    /// <response code="401">No valid client API key (only when the service requires keys), or the LLM provider rejected this service's credentials.</response>
    /// <response code="404">The model is not the one this service serves.</response>
    /// <response code="429">This client went past its rate limit, or the LLM provider still rate-limits after the retries.</response>
    /// <response code="500">An unexpected error.</response>
    /// <response code="502">The LLM provider answered with something unusable (not a completion, no content, an answer over LLM_MAX_RESPONSE_KB, a stream cut before its end).</response>
    /// <response code="503">The LLM provider could not be reached, or (once pieces have gone out, as an error event) the service shut down before the stream ended.</response>
    /// <response code="504">The LLM provider did not answer within the timeout.</response>
    [HttpPost("chat/completions")]
    [Consumes("application/json")]
    [ProducesResponseType<OpenAiChatCompletion>(StatusCodes.Status200OK, "application/json", "text/event-stream")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status400BadRequest, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status401Unauthorized, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status404NotFound, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status429TooManyRequests, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status500InternalServerError, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status502BadGateway, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status503ServiceUnavailable, "application/json")]
    [ProducesResponseType<OpenAiErrorResponse>(StatusCodes.Status504GatewayTimeout, "application/json")]
    public async Task<IActionResult> ChatCompletions(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] OpenAiChatRequest? request,
        CancellationToken cancellationToken)
    {
        // Model binding's validation let only known roles and string (or text-part) contents through.
        var messages = request?.Messages?.Select(m => new Domain.Chat.ChatMessage(OpenAiRoles.ToDomain[m!.Role!], m.Text()!)).ToList();
        var maxTokens = request?.MaxTokens ?? request?.MaxCompletionTokens;
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var model = options.Value.Model;

        if (request?.Stream != true)
        {
            var completion = await sender.Send(new CompleteChatCommand(messages, request?.Model, request?.Temperature, maxTokens), cancellationToken);
            var usage = completion.Usage ?? new Domain.Chat.TokenUsage(0, 0);
            return Ok(new OpenAiChatCompletion(
                id, "chat.completion", created, model,
                [new OpenAiChoice(0, new OpenAiAnswerMessage("assistant", completion.Text), "stop")],
                new OpenAiUsage(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens)));
        }

        using var stream = StreamShutdown.Open(HttpContext);
        var pieces = stream.Read(sender.CreateStream(new StreamChatCommand(messages, request.Model, request.Temperature, maxTokens), stream.Token));
        await using var enumerator = pieces.GetAsyncEnumerator(cancellationToken);

        // Until the first piece nothing is written: a failure here is an error with its status.
        if (!await enumerator.MoveNextAsync())
        {
            throw new InvalidOperationException("The provider's stream ended before its first piece.");
        }

        ServerSentEvents.Start(Response);

        OpenAiChatChunk Chunk(string? role, string? content, string? finish) =>
            new(id, "chat.completion.chunk", created, model, [new OpenAiChunkChoice(0, new OpenAiDelta(role, content), finish)]);

        try
        {
            await ServerSentEvents.WriteDataAsync(Response, Chunk("assistant", string.Empty, null), cancellationToken);
            do
            {
                await ServerSentEvents.WriteDataAsync(Response, Chunk(null, enumerator.Current, null), cancellationToken);
            }
            while (await enumerator.MoveNextAsync());

            await ServerSentEvents.WriteDataAsync(Response, Chunk(null, null, "stop"), cancellationToken);
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
