using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Betalgo.Ranul.OpenAI;
using Betalgo.Ranul.OpenAI.Managers;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Microsoft.Extensions.Options;
using ChatCompletionCreateRequest = Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ChatCompletionCreateRequest;
using ChatCompletionCreateResponse = Betalgo.Ranul.OpenAI.ObjectModels.ResponseModels.ChatCompletionCreateResponse;
using ChatCompletionRequest = Chatbot.Domain.Chat.ChatCompletionRequest;
using ChatMessage = Chatbot.Domain.Chat.ChatMessage;
using SdkChatMessage = Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ChatMessage;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Adapter for every provider that speaks <c>POST {base}/chat/completions</c> (OpenAI, Ollama, Mistral,
/// Groq, LocalAI, Gemini's OpenAI endpoint, ...), through Betalgo.Ranul.OpenAI.
/// </summary>
/// <remarks>
/// One instance for the process: the SDK service and its endpoint tables are built once, over one
/// HttpClient that nobody else uses (the SDK writes its Authorization header into the client).
/// </remarks>
public sealed class OpenAiCompatibleProvider : IChatCompletionProvider, IDisposable
{
    public const string Name = "openai";
    public const string HttpClientName = "llm-provider";

    // How the SDK itself writes requests: nulls and defaults left out.
    private static readonly JsonSerializerOptions SdkJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault };

    private readonly OpenAIService _service;
    private readonly HttpClient _httpClient;
    private readonly TimeSpan _idleTimeout;

    public OpenAiCompatibleProvider(IHttpClientFactory httpClientFactory, IOptions<LlmOptions> options)
    {
        var o = options.Value;
        Endpoint = ProviderEndpoint.From(o.BaseUrl);
        _httpClient = httpClientFactory.CreateClient(HttpClientName);
        _idleTimeout = o.RequestTimeout;
        _service = new OpenAIService(
            new OpenAIOptions
            {
                ApiKey = o.ApiKey ?? string.Empty,
                BaseDomain = Endpoint.BaseDomain,
                ApiVersion = Endpoint.ApiVersion,
                ValidateApiOptions = false,
            },
            _httpClient);
    }

    public ProviderEndpoint Endpoint { get; }

    public async ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var sdkRequest = ToSdkRequest(request);
        ChatCompletionCreateResponse response;
        try
        {
            response = await _service.ChatCompletion.CreateCompletion(sdkRequest, cancellationToken: cancellationToken)
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

        if (!response.Successful)
        {
            throw new ProviderInvalidResponseException("The provider answered with an error object instead of a completion.");
        }

        var text = response.Choices is { Count: > 0 } choices ? choices[0].Message?.Content : null;
        if (string.IsNullOrEmpty(text))
        {
            throw new ProviderInvalidResponseException(response.Choices is { Count: > 0 }
                ? "The provider's first choice has no content."
                : "The provider's answer has no choices.");
        }

        var usage = response.Usage is { } u ? new TokenUsage(u.PromptTokens, u.CompletionTokens ?? 0) : null;
        return new ChatCompletion(text, response.Model ?? request.Model, usage);
    }

    /// <summary>
    /// Streams through the same HttpClient (so retries, timeouts and failure classification apply until the
    /// first byte) with <c>SendAsync</c> and <c>ResponseHeadersRead</c>: the SDK's own streaming call uses the
    /// synchronous <c>HttpClient.Send</c>, which blocks a thread and skips the async-only Polly handlers.
    /// </summary>
    public async IAsyncEnumerable<string> StreamAsync(
        ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sdkRequest = ToSdkRequest(request);
        sdkRequest.Stream = true;
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint.ChatCompletionsUri)
        {
            Content = JsonContent.Create(sdkRequest, options: SdkJson),
        };
        message.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            // A provider that ignores "stream": the whole answer at once is still an answer.
            yield return await ReadWholeAnswerAsync(response, cancellationToken).ConfigureAwait(false);
            yield break;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var events = SseParser.Create(body).EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
        var pieces = 0;
        while (true)
        {
            idle.CancelAfter(_idleTimeout);
            var piece = await NextPieceAsync(events, cancellationToken).ConfigureAwait(false);
            if (piece is null)
            {
                break;
            }

            if (piece.Length > 0)
            {
                pieces++;
                yield return piece;
            }
        }

        if (pieces == 0)
        {
            throw new ProviderInvalidResponseException("The provider's stream carried no content.");
        }
    }

    public void Dispose() => _service.Dispose();

    // The next piece of content ("" for an event without any), or null at the end of the stream.
    private static async Task<string?> NextPieceAsync(IAsyncEnumerator<SseItem<string>> events, CancellationToken cancellationToken)
    {
        try
        {
            if (!await events.MoveNextAsync().ConfigureAwait(false) || events.Current.Data == "[DONE]")
            {
                return null;
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProviderTimeoutException("The provider's stream stalled for longer than REQUEST_TIMEOUT.", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new ProviderUnavailableException("The provider's stream broke off.", ex);
        }

        ChatCompletionCreateResponse? chunk;
        try
        {
            chunk = JsonSerializer.Deserialize<ChatCompletionCreateResponse>(events.Current.Data);
        }
        catch (JsonException ex)
        {
            throw new ProviderInvalidResponseException("A streamed event is not the JSON of a completion chunk.", ex);
        }

        if (chunk is null || chunk.Error is not null)
        {
            throw new ProviderInvalidResponseException("The provider sent an error in the stream.");
        }

        return chunk.Choices is { Count: > 0 } choices ? choices[0].Delta?.Content ?? choices[0].Message?.Content ?? string.Empty : string.Empty;
    }

    private static async Task<string> ReadWholeAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ChatCompletionCreateResponse? completion;
        try
        {
            completion = await response.Content.ReadFromJsonAsync<ChatCompletionCreateResponse>(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ProviderInvalidResponseException("The provider's answer is neither an event stream nor a completion.", ex);
        }

        return completion?.Choices is { Count: > 0 } choices && !string.IsNullOrEmpty(choices[0].Message?.Content)
            ? choices[0].Message!.Content!
            : throw new ProviderInvalidResponseException("The provider's answer has no content.");
    }

    private static ChatCompletionCreateRequest ToSdkRequest(ChatCompletionRequest request) => new()
    {
        Model = request.Model,
        Messages = request.Messages.Select(ToSdkMessage).ToList(),
        Temperature = (float)request.Temperature,
        MaxTokens = request.MaxTokens,
    };

    private static SdkChatMessage ToSdkMessage(ChatMessage message) => message.Role switch
    {
        ChatRole.System => SdkChatMessage.FromSystem(message.Content),
        ChatRole.Assistant => SdkChatMessage.FromAssistant(message.Content),
        _ => SdkChatMessage.FromUser(message.Content),
    };
}
