using System.Globalization;
using System.Net;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Domain.Providers;
using Microsoft.Extensions.Options;
using Polly;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Innermost handler of the provider's HttpClient, inside each attempt's timeout: a provider may stall mid-body,
/// send 50 MB or put its error inside an event stream, and none of that may escape the policies.
/// <list type="bullet">
/// <item>The request body is buffered once: it goes with a <c>Content-Length</c>, and a retry sends the same bytes.</item>
/// <item>A successful answer that is not an event stream is read here, within the attempt's timeout and at most
/// <c>LLM_MAX_RESPONSE_KB</c> of it (the SDK would read it after the handlers have returned, outside every policy).</item>
/// <item>An event stream is read up to its first event: an error there becomes the HTTP status it stands for, so it
/// is retried and classified like the same error on a plain call. No event may grow past the limit.</item>
/// </list>
/// </summary>
/// <remarks>
/// Being innermost, it sees every attempt: it counts each by status and attempt number (the per-attempt timeout
/// policy counts the attempts it cuts).
/// </remarks>
public sealed class ProviderResponseGuard(ChatRoute route, ChatbotMetrics metrics) : DelegatingHandler
{
    private static readonly string[] StatusLabels = [.. Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private readonly long _limit = route.Llm.MaxResponseBytes;
    private readonly string _route = route.Model;
    private readonly string _provider = route.Llm.Provider;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var attempt = ProviderResiliencePolicies.AttemptCounter.Next(request.GetPolicyExecutionContext());
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            metrics.ProviderCall(_route, _provider, "connection_error", attempt);
            throw;
        }

        var code = (int)response.StatusCode;
        metrics.ProviderCall(_route, _provider, code is >= 0 and < 600 ? StatusLabels[code] : "other", attempt);
        // A failure is classified by status alone (ProviderFailureHandler): its body is read only when the provider
        // refused the request, whose words go back to a /v1 client, and then like any answer, bounded and in the attempt.
        if (!response.IsSuccessStatusCode && !ProviderFailureHandler.IsRefusal(response.StatusCode))
        {
            return response;
        }

        try
        {
            if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                return await FirstEventAsync(request, response, cancellationToken).ConfigureAwait(false);
            }

            await BufferAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task BufferAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > _limit)
        {
            throw TooLarge();
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(_limit, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is null)
        {
            // HttpContent's own "more bytes than the configured maximum"; a broken connection carries its IOException.
            throw TooLarge(ex);
        }
    }

    private async Task<HttpResponseMessage> FirstEventAsync(
        HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = new EventSizeLimitStream(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _limit, TooLarge);
        var head = await ServerSentEventHead.ReadAsync(body, cancellationToken).ConfigureAwait(false);
        if (head.FirstData is { } data && ProviderErrorBody.StatusOf(data) is { } status)
        {
            await body.DisposeAsync().ConfigureAwait(false);
            var failed = new HttpResponseMessage(status) { RequestMessage = request, Content = new ReadOnlyMemoryContent(data) };
            failed.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            response.Dispose();
            return failed;
        }

        var replay = new StreamContent(new PrefixedStream(head.Bytes, body));
        foreach (var header in response.Content.Headers)
        {
            replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = replay;
        return response;
    }

    private static ProviderInvalidResponseException TooLarge(Exception? inner = null) =>
        new("The provider's answer is larger than LLM_MAX_RESPONSE_KB.", inner);
}
