using System.Runtime.CompilerServices;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using ChatCompletionRequest = Chatbot.Domain.Chat.ChatCompletionRequest;

namespace Chatbot.Infrastructure.Providers.Anthropic;

/// <summary>
/// Adapter for Anthropic's Messages API (<c>POST {base}/v1/messages</c>), through Anthropic's .NET SDK over the
/// HttpClient it is given: that client's handlers (the service's provider pipeline) classify failures, retry and time
/// out each attempt; the SDK's own retries and timeout are off. Requests it cannot take are refused by field
/// (<see cref="Unsupported"/>), never cut down. ADR 0007 says what the SDK's version gets wrong and how it is worked around.
/// </summary>
/// <remarks>
/// One instance per provider (a route): its own HttpClient and options. The SDK client is built once over that client.
/// </remarks>
public sealed class AnthropicProvider : IChatCompletionProvider, IChatRequestCapabilities, IDisposable
{
    public const string Name = "anthropic";

    /// <summary>Where Anthropic's API is: the base URL when <c>LLM_BASE_URL</c> is not set.</summary>
    public const string DefaultBaseUrl = "https://api.anthropic.com";

    /// <summary>The Messages API version this adapter speaks (<c>anthropic-version</c>), the one Anthropic documents.</summary>
    public const string ApiVersion = "2023-06-01";

    private readonly AnthropicClient _client;
    private readonly TimeSpan _idleTimeout;
    private readonly string? _apiKey;
    private readonly IReadOnlyList<string> _secrets;

    /// <param name="httpClient">The provider's HttpClient, its handlers included (the route's, from <see cref="RouteProviders"/>).</param>
    /// <param name="options">The provider's settings: base URL, key, model, timeouts; the model is the request's.</param>
    /// <param name="secrets">Every key none of the provider's words may pass on (every route's); its own key when null.</param>
    public AnthropicProvider(HttpClient httpClient, LlmOptions options, IReadOnlyList<string>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _apiKey = string.IsNullOrEmpty(options.ApiKey) ? null : options.ApiKey;
        _secrets = secrets ?? (_apiKey is null ? [] : [_apiKey]);
        _idleTimeout = options.RequestTimeout;
        BaseUrl = BaseUrlOf(options.BaseUrl);
        _client = new AnthropicClient(new ClientOptions
        {
            HttpClient = httpClient,
            BaseUrl = BaseUrl.ToString().TrimEnd('/'),

            // No credential for the SDK: set to null, it reads none from ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN or a
            // profile; the key goes as x-api-key (AnthropicHeaders).
            ApiKey = null,
            AuthToken = null,

            // The HttpClient's policies retry and time out each attempt: the SDK must not multiply the attempts.
            MaxRetries = 0,
            Timeout = Timeout.InfiniteTimeSpan,

            // Its spans would carry prompts; the service measures its calls itself.
            OpenTelemetry = false,
            Handlers = [new AnthropicHeaders(_apiKey)],
        });
    }

    /// <summary>
    /// The URL the SDK posts <c>/v1/messages</c> under: <c>LLM_BASE_URL</c> without a trailing <c>/v1</c> (OpenAI's
    /// habit), <see cref="DefaultBaseUrl"/> when it was not set (the key must not go to OpenAI's default).
    /// </summary>
    public Uri BaseUrl { get; }

    public UnsupportedRequestField? Unsupported(ChatCompletionRequest request) => AnthropicRequestMapping.Unsupported(request);

    public async ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var parameters = ToSdk(request);
        Message message;
        try
        {
            message = await _client.Messages.Create(parameters, cancellationToken).ConfigureAwait(false);
            return AnthropicResponseMapping.ToDomain(message);
        }
        catch (Exception ex) when (AnthropicErrors.Translate(ex, Scrub) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// The SDK's stream of events, translated as each comes (<see cref="AnthropicStreamTranslator"/>). The request and
    /// its first event are timed by the HttpClient's per-attempt timeout; after that, each event must come within
    /// <c>REQUEST_TIMEOUT</c> of the one before. A stream that ends before <c>message_stop</c> was cut: it fails.
    /// </summary>
    public async IAsyncEnumerable<ChatCompletionUpdate> StreamAsync(
        ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parameters = ToSdk(request);
        var translator = new AnthropicStreamTranslator(request.IncludeUsage, Scrub);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = _client.Messages.CreateStreaming(parameters, idle.Token).GetAsyncEnumerator(idle.Token);
        await using (events.ConfigureAwait(false))
        {
            var first = true;
            while (!translator.Stopped)
            {
                if (!first)
                {
                    idle.CancelAfter(_idleTimeout);
                }

                first = false;
                if (await NextAsync(events, cancellationToken).ConfigureAwait(false) is not { } next)
                {
                    throw new ProviderInvalidResponseException("The provider's stream ended before message_stop.");
                }

                if (Translate(translator, next) is { } update)
                {
                    yield return update;
                }
            }
        }
    }

    public void Dispose() => _client.Dispose();

    private static Uri BaseUrlOf(Uri configured)
    {
        if (configured.ToString().TrimEnd('/') == LlmOptions.DefaultBaseUrl)
        {
            return new Uri(DefaultBaseUrl);
        }

        var text = configured.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? text[..^3] : text);
    }

    private MessageCreateParams ToSdk(ChatCompletionRequest request)
    {
        if (AnthropicRequestMapping.Unsupported(request) is { } field)
        {
            // The Api answers it on /v1 as OpenAI's 400 invalid_request_error naming the field.
            throw new ProviderRejectedRequestException(400, field.Reason, "invalid_request_error", field.Param, "unsupported_parameter");
        }

        return AnthropicRequestMapping.ToSdk(request);
    }

    private ChatCompletionUpdate? Translate(AnthropicStreamTranslator translator, RawMessageStreamEvent next)
    {
        try
        {
            return translator.Next(next);
        }
        catch (Exception ex) when (AnthropicErrors.Translate(ex, Scrub) is { } failure)
        {
            throw failure;
        }
    }

    // The next event, or null at the end of the body.
    private async Task<RawMessageStreamEvent?> NextAsync(IAsyncEnumerator<RawMessageStreamEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            return await events.MoveNextAsync().ConfigureAwait(false) ? events.Current : null;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProviderTimeoutException("The provider's stream stalled for longer than REQUEST_TIMEOUT.", ex);
        }
        catch (Exception ex) when (AnthropicErrors.Translate(ex, Scrub) is { } failure)
        {
            throw failure;
        }
    }

    private string? Scrub(string? text) => ProviderFailureHandler.Scrub(text, _secrets);

    /// <summary>
    /// The Messages API's own headers: the key as <c>x-api-key</c> and <see cref="ApiVersion"/> as <c>anthropic-version</c>.
    /// The SDK (13.15) would send the key as <c>Authorization: Bearer</c> and a version of its own (ADR 0007).
    /// </summary>
    private sealed class AnthropicHeaders(string? apiKey) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove("Authorization");
            request.Headers.Remove("anthropic-version");
            request.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);

            // The SDK announces its own timeout, which is off (infinite): the attempt's timeout is the service's.
            request.Headers.Remove("X-Stainless-Timeout");
            if (apiKey is not null)
            {
                request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
