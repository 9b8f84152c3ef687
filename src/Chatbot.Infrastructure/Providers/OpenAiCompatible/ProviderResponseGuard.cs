using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Betalgo.Ranul.OpenAI.ObjectModels.RequestModels;
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
/// <item>The request body is buffered once: it goes with a <c>Content-Length</c>, and a retry sends the same bytes. The
/// SDK's request model is written by the source-generated <see cref="BetalgoJson"/> rather than by reflection.</item>
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
public sealed class ProviderResponseGuard(IOptions<LlmOptions> options, ChatbotMetrics metrics) : DelegatingHandler
{
    private static readonly string[] StatusLabels = [.. Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private readonly long _limit = options.Value.MaxResponseBytes;
    private readonly string _provider = options.Value.Provider;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is JsonContent { Value: ChatCompletionCreateRequest model } sdkContent)
        {
            // The SDK's CreateCompletion posts its request model as JsonContent, written by reflection with options
            // it builds per call; the same model, written the same way (defaults left out) by the source-generated
            // BetalgoJson, costs a fraction and has a Content-Length. Done once: a retry finds the bytes.
            var bytes = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(model, BetalgoJson.Default.ChatCompletionCreateRequest));
            bytes.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            request.Content = bytes;
            sdkContent.Dispose();
        }
        else if (request.Content is { } content)
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
            metrics.UpstreamCall(_provider, "connection_error", attempt);
            throw;
        }

        var code = (int)response.StatusCode;
        metrics.UpstreamCall(_provider, code is >= 0 and < 600 ? StatusLabels[code] : "other", attempt);
        if (!response.IsSuccessStatusCode)
        {
            // Classified by status alone (UpstreamFailureHandler); the body is never read.
            return response;
        }

        try
        {
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
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

/// <summary>What the provider's error object says, as the HTTP status it would have answered on a plain call.</summary>
public static class ProviderErrorBody
{
    /// <summary>
    /// The status that <paramref name="json"/>, an event's data, stands for when it is an error object
    /// (<c>{"error": {...}}</c> with OpenAI's or Anthropic's <c>type</c>/<c>code</c>, or a numeric <c>code</c> or
    /// <c>status</c>); null when it is no error or an error of no known kind.
    /// </summary>
    public static HttpStatusCode? StatusOf(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
            {
                return null;
            }

            return StatusOf(error);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static HttpStatusCode? StatusOf(JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in (ReadOnlySpan<string>)["status", "code"])
        {
            if (error.TryGetProperty(name, out var number) && number.ValueKind == JsonValueKind.Number
                && number.TryGetInt32(out var code) && code is >= 400 and <= 599)
            {
                return (HttpStatusCode)code;
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["type", "code"])
        {
            if (error.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String
                && StatusOfKind(text.GetString()!) is { } status)
            {
                return status;
            }
        }

        return null;
    }

    private static HttpStatusCode? StatusOfKind(string kind) => kind.ToLowerInvariant() switch
    {
        var k when k.Contains("rate_limit", StringComparison.Ordinal) || k == "insufficient_quota" => HttpStatusCode.TooManyRequests,
        "authentication_error" or "invalid_api_key" or "unauthorized" => HttpStatusCode.Unauthorized,
        "permission_error" or "permission_denied" => HttpStatusCode.Forbidden,
        "overloaded_error" or "overloaded" => HttpStatusCode.ServiceUnavailable,
        "server_error" or "api_error" or "internal_error" or "internal_server_error" => HttpStatusCode.InternalServerError,
        "invalid_request_error" => HttpStatusCode.BadRequest,
        "not_found_error" or "model_not_found" => HttpStatusCode.NotFound,
        _ => null,
    };
}
