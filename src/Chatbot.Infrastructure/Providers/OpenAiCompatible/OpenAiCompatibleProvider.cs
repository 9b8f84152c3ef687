using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Betalgo.Ranul.OpenAI;
using Betalgo.Ranul.OpenAI.Managers;
using Betalgo.Ranul.OpenAI.ObjectModels.RequestModels;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Microsoft.Extensions.Options;
using ChatCompletionCreateResponse = Betalgo.Ranul.OpenAI.ObjectModels.ResponseModels.ChatCompletionCreateResponse;
using ChatCompletionRequest = Chatbot.Domain.Chat.ChatCompletionRequest;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Adapter for every provider that speaks <c>POST {base}/chat/completions</c> (OpenAI, Ollama, Mistral, Groq,
/// LocalAI, Gemini's OpenAI endpoint, ...), through Betalgo.Ranul.OpenAI: its request and response models are the
/// wire format of every call; plain completions go through the SDK's <c>CreateCompletion</c>.
/// </summary>
/// <remarks>
/// One instance for the process: the SDK service and its endpoint tables are built once, over one named
/// HttpClient that nobody else uses (the SDK writes <c>BaseAddress</c> and <c>Authorization</c> into the client).
/// The client's handlers classify failures, retry, time out each attempt and bound the answer (ADR 0005).
/// </remarks>
public sealed class OpenAiCompatibleProvider : IChatCompletionProvider, IDisposable
{
    public const string Name = "openai";

    private readonly OpenAIService _service;
    private readonly HttpClient _httpClient;
    private readonly Uri _chatCompletions;
    private readonly TimeSpan _idleTimeout;

    /// <param name="httpClient">The route's client, with its whole pipeline; nobody else may use it (the SDK writes its
    /// base address and Authorization into it).</param>
    /// <param name="o">The route's options: base URL, key, idle timeout of a stream.</param>
    public OpenAiCompatibleProvider(HttpClient httpClient, LlmOptions o)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(o);
        Endpoint = ProviderEndpoint.From(o.BaseUrl);
        _chatCompletions = Endpoint.ChatCompletionsUri;
        _httpClient = httpClient;
        _idleTimeout = o.RequestTimeout;

        // The SDK refuses an empty key or API version unless told not to check: keyless providers (Ollama,
        // LocalAI) and base URLs without a path are real.
        _service = new OpenAIService(
            new OpenAIOptions
            {
                ApiKey = o.ApiKey ?? string.Empty,
                BaseDomain = Endpoint.BaseDomain,
                ApiVersion = Endpoint.ApiVersion,
                ValidateApiOptions = false,
            },
            _httpClient);
        if (string.IsNullOrEmpty(o.ApiKey))
        {
            // The SDK sends "Bearer " even without a key; a keyless provider gets no Authorization at all.
            _httpClient.DefaultRequestHeaders.Remove("Authorization");
        }
    }

    public ProviderEndpoint Endpoint { get; }

    public async ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ChatCompletionCreateResponse response;
        try
        {
            response = await _service.ChatCompletion.CreateCompletion(ProviderChatMapping.ToSdk(request), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ProviderInvalidResponseException("The provider's answer is not the JSON of a chat completion.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // The SDK throws this when the body is the JSON literal null.
            throw new ProviderInvalidResponseException("The provider's answer is empty.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderUnavailableException("The provider's answer broke off.", ex);
        }

        if (!response.Successful)
        {
            throw new ProviderInvalidResponseException("The provider answered with an error object or a body that is not JSON.");
        }

        if (response.Choices is not { Count: > 0 })
        {
            throw new ProviderInvalidResponseException("The provider's answer has no choices.");
        }

        // Content may be null: tool calls or a refusal are answers too. /question decides that it needs text.
        return ProviderChatMapping.ToDomain(response, request.Model);
    }

    /// <summary>
    /// Streams with <c>SendAsync</c> and <c>ResponseHeadersRead</c> through the same HttpClient, so retries, timeouts
    /// and failure classification apply until the first event. Not the SDK's <c>CreateCompletionAsStream</c>: it
    /// sends with the synchronous <c>HttpClient.Send</c>, which blocks a thread until the first byte and skips the
    /// async-only policy handlers. Each event is read into the SDK's response model (with the refusal it lacks) and
    /// passed on as it came: content, refusal, tool-call pieces, finish reasons of every choice, and the usage.
    /// Nothing is buffered beyond one event. A stream that ends without <c>[DONE]</c> or a finish reason was cut: it
    /// fails, it is not an answer.
    /// </summary>
    public async IAsyncEnumerable<ChatCompletionUpdate> StreamAsync(
        ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sdkRequest = ProviderChatMapping.ToSdk(request);
        sdkRequest.Stream = true;
        if (request.IncludeUsage)
        {
            sdkRequest.StreamOptions = new StreamOptions { IncludeUsage = true };
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, _chatCompletions)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(sdkRequest, BetalgoJson.Default.ProviderChatRequest)),
        };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        message.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            // A provider that ignores "stream": the whole answer at once is still an answer (read and bounded
            // by ProviderResponseGuard).
            var whole = await ReadWholeAnswerAsync(response, request.Model, cancellationToken).ConfigureAwait(false);
            foreach (var update in ChatCompletionUpdates.Of(whole, request.IncludeUsage))
            {
                yield return update;
            }

            yield break;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var events = SseParser.Create(body, static (_, data) => StreamEvent.Parse(data))
            .EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
        var finished = false;
        while (true)
        {
            idle.CancelAfter(_idleTimeout);
            var next = await NextEventAsync(events, cancellationToken).ConfigureAwait(false);
            if (next is null || next.Done)
            {
                // The end of the body without [DONE] or a finish reason: the stream was cut, not completed.
                if (next is null && !finished)
                {
                    throw new ProviderInvalidResponseException("The provider's stream ended without [DONE] or a finish reason.");
                }

                break;
            }

            var update = ProviderChatMapping.ToUpdate(next.Chunk);
            foreach (var choice in update.Choices)
            {
                finished |= choice.FinishReason is not null;
            }

            yield return update;
        }
    }

    public void Dispose() => _service.Dispose();

    // The next event, or null at the end of the body.
    private static async Task<StreamEvent?> NextEventAsync(IAsyncEnumerator<SseItem<StreamEvent>> events, CancellationToken cancellationToken)
    {
        try
        {
            return await events.MoveNextAsync().ConfigureAwait(false) ? events.Current.Data : null;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProviderTimeoutException("The provider's stream stalled for longer than REQUEST_TIMEOUT.", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new ProviderUnavailableException("The provider's stream broke off.", ex);
        }
    }

    private static async Task<ChatCompletion> ReadWholeAnswerAsync(HttpResponseMessage response, string model, CancellationToken cancellationToken)
    {
        ProviderChatChunk? completion;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            completion = await JsonSerializer.DeserializeAsync(body, BetalgoJson.Default.ProviderChatChunk, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ProviderInvalidResponseException("The provider's answer is neither an event stream nor a completion.", ex);
        }

        return completion?.Choices is { Count: > 0 }
            ? ProviderChatMapping.ToDomain(completion, model)
            : throw new ProviderInvalidResponseException("The provider's answer has no choices.");
    }

    /// <summary>One event of the provider's stream: <c>[DONE]</c>, or a chunk in the SDK's response model.</summary>
    private sealed record StreamEvent(bool Done, ProviderChatChunk Chunk)
    {
        private static readonly StreamEvent DoneEvent = new(true, new ProviderChatChunk());

        public static StreamEvent Parse(ReadOnlySpan<byte> data)
        {
            if (data.SequenceEqual("[DONE]"u8))
            {
                return DoneEvent;
            }

            ProviderChatChunk? chunk;
            try
            {
                chunk = JsonSerializer.Deserialize(data, BetalgoJson.Default.ProviderChatChunk);
            }
            catch (JsonException ex)
            {
                // Providers' error objects come in shapes the SDK's model does not take.
                throw ErrorIn(data) ?? new ProviderInvalidResponseException("A streamed event is not the JSON of a completion chunk.", ex);
            }

            if (chunk is null || chunk.Error is not null)
            {
                throw ErrorIn(data) ?? new ProviderInvalidResponseException("The provider sent an error in the stream.");
            }

            return new StreamEvent(false, chunk);
        }

        private static ProviderException? ErrorIn(ReadOnlySpan<byte> data) =>
            ProviderErrorBody.StatusOf(data.ToArray()) is { } status
                ? ProviderFailureHandler.ToException(status, retryAfter: null, $"The provider sent an error in the stream (as HTTP {(int)status}).")
                : null;
    }
}
