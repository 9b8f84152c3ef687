using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Adapter for every provider that speaks <c>POST {base}/chat/completions</c> (OpenAI, Ollama, Mistral,
/// Groq, LocalAI, Gemini's OpenAI endpoint, ...): OpenAI's wire format as small source-generated records
/// (<see cref="OpenAiWireJson"/>) over the named HttpClient whose handlers retry, time out and classify
/// failures (ADR 0002, ADR 0004).
/// </summary>
/// <remarks>
/// One instance for the process. Each request carries its own <c>Authorization</c> header, so the
/// HttpClient's shared default headers stay empty and are not copied under a lock into every request.
/// </remarks>
public sealed class OpenAiCompatibleProvider : IChatCompletionProvider
{
    public const string Name = "openai";
    public const string HttpClientName = "llm-provider";

    private readonly HttpClient _httpClient;
    private readonly Uri _chatCompletions;
    private readonly string? _authorization;
    private readonly TimeSpan _idleTimeout;

    public OpenAiCompatibleProvider(IHttpClientFactory httpClientFactory, IOptions<LlmOptions> options)
    {
        var o = options.Value;
        Endpoint = ProviderEndpoint.From(o.BaseUrl);
        _chatCompletions = Endpoint.ChatCompletionsUri;
        _httpClient = httpClientFactory.CreateClient(HttpClientName);
        _authorization = string.IsNullOrEmpty(o.ApiKey) ? null : "Bearer " + o.ApiKey;
        _idleTimeout = o.RequestTimeout;
    }

    public ProviderEndpoint Endpoint { get; }

    public async ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        using var message = NewRequest(request, stream: false);
        using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        var completion = await ReadCompletionAsync(response, "The provider's answer is not the JSON of a chat completion.", cancellationToken)
            .ConfigureAwait(false);

        if (completion.Error is { ValueKind: not JsonValueKind.Null })
        {
            throw new ProviderInvalidResponseException("The provider answered with an error object instead of a completion.");
        }

        var text = completion.Choices is { Length: > 0 } choices ? choices[0].Message?.Content : null;
        if (string.IsNullOrEmpty(text))
        {
            throw new ProviderInvalidResponseException(completion.Choices is { Length: > 0 }
                ? "The provider's first choice has no content."
                : "The provider's answer has no choices.");
        }

        var usage = completion.Usage is { } u ? new TokenUsage(u.PromptTokens, u.CompletionTokens ?? 0) : null;
        return new ChatCompletion(text, completion.Model ?? request.Model, usage);
    }

    /// <summary>
    /// Streams through the same HttpClient (so retries, timeouts and failure classification apply until the
    /// first byte) with <c>SendAsync</c> and <c>ResponseHeadersRead</c>, reading the provider's server-sent
    /// events as they come; nothing is buffered beyond one event.
    /// </summary>
    public async IAsyncEnumerable<string> StreamAsync(
        ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var message = NewRequest(request, stream: true);
        message.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            // A provider that ignores "stream": the whole answer at once is still an answer.
            var whole = await ReadCompletionAsync(response, "The provider's answer is neither an event stream nor a completion.", cancellationToken)
                .ConfigureAwait(false);
            yield return whole.Choices is { Length: > 0 } choices && !string.IsNullOrEmpty(choices[0].Message?.Content)
                ? choices[0].Message!.Content!
                : throw new ProviderInvalidResponseException("The provider's answer has no content.");
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

    private HttpRequestMessage NewRequest(ChatCompletionRequest request, bool stream)
    {
        var messages = new WireMessage[request.Messages.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            var m = request.Messages[i];
            messages[i] = new WireMessage(RoleName(m.Role), m.Content);
        }

        var body = new WireChatRequest(request.Model, messages, request.Temperature, request.MaxTokens, stream ? true : null);

        // A byte array, not a chunked stream: every provider and proxy accepts a Content-Length, and a retry
        // sends the same bytes again.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, OpenAiWireJson.Default.WireChatRequest));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        var message = new HttpRequestMessage(HttpMethod.Post, _chatCompletions) { Content = content };
        if (_authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", _authorization);
        }

        return message;
    }

    private static string RoleName(ChatRole role) => role switch
    {
        ChatRole.System => "system",
        ChatRole.Assistant => "assistant",
        _ => "user",
    };

    private static async Task<WireChatResponse> ReadCompletionAsync(
        HttpResponseMessage response, string notACompletion, CancellationToken cancellationToken)
    {
        WireChatResponse? completion;
        try
        {
            completion = await response.Content.ReadFromJsonAsync(OpenAiWireJson.Default.WireChatResponse, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ProviderInvalidResponseException(notACompletion, ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new ProviderUnavailableException("The provider's answer broke off.", ex);
        }

        return completion ?? throw new ProviderInvalidResponseException("The provider's answer is empty.");
    }

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

        WireChatResponse? chunk;
        try
        {
            chunk = JsonSerializer.Deserialize(events.Current.Data, OpenAiWireJson.Default.WireChatResponse);
        }
        catch (JsonException ex)
        {
            throw new ProviderInvalidResponseException("A streamed event is not the JSON of a completion chunk.", ex);
        }

        if (chunk is null || chunk.Error is { ValueKind: not JsonValueKind.Null })
        {
            throw new ProviderInvalidResponseException("The provider sent an error in the stream.");
        }

        return chunk.Choices is { Length: > 0 } choices ? choices[0].Delta?.Content ?? choices[0].Message?.Content ?? string.Empty : string.Empty;
    }
}
