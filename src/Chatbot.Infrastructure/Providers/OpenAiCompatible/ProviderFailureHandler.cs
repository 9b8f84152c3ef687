using System.Net;
using Chatbot.Application.Options;
using Chatbot.Domain.Providers;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Outermost handler of the provider's HttpClient: once the retries are spent, it turns what is left
/// into typed <see cref="ProviderException"/>s, classifying by HTTP status before anyone reads the body
/// (providers' error bodies come in every shape: an object, a numeric <c>code</c>, a JSON array, plain text).
/// </summary>
/// <param name="timeProvider">The service's clock (Retry-After dates).</param>
/// <param name="route">The route whose provider this client calls.</param>
/// <param name="secrets">Every route's key: none of them is passed on in a provider's words.</param>
/// <param name="breaker">The route's circuit breaker: while it is open, the answer says how long it stays so.</param>
public sealed class ProviderFailureHandler(TimeProvider timeProvider, ChatRoute route, IReadOnlyList<string> secrets, RouteCircuitBreaker? breaker = null)
    : DelegatingHandler
{
    private readonly LlmOptions _options = route.Llm;

    /// <summary>The failure a provider's HTTP status (or an error it sent in a stream) stands for.</summary>
    public static ProviderException ToException(HttpStatusCode status, TimeSpan? retryAfter, string message) => status switch
    {
        HttpStatusCode.Unauthorized => new ProviderAuthenticationException(message),
        HttpStatusCode.TooManyRequests => new ProviderRateLimitedException(message, retryAfter),
        _ => new ProviderInvalidResponseException(message, status: (int)status),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            throw new ProviderCircuitOpenException(route.Model, breaker?.RemainingBreak ?? TimeSpan.Zero, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new ProviderTimeoutException("The provider did not answer within REQUEST_TIMEOUT.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderUnavailableException($"The provider could not be reached ({ex.HttpRequestError}).", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProviderTimeoutException("The provider's connection timed out.", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        var status = response.StatusCode;
        if (IsRefusal(status))
        {
            // The provider refused the client's request: its own words go back to a /v1 client.
            using (response)
            {
                throw await RejectedAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }

        var retryAfter = RetryDelay.ReadRetryAfter(response, timeProvider.GetUtcNow());
        response.Dispose();
        if (status == HttpStatusCode.TooManyRequests && retryAfter is null)
        {
            // No usable Retry-After from the provider: the client is told the wait this service would use next.
            var wait = RetryDelay.Compute(_options.MaxAttempts, null, _options.RetryBaseDelay, _options.RetryMaxDelay);
            retryAfter = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
        }

        throw ToException(status, retryAfter, $"The provider answered HTTP {(int)status}.");
    }

    /// <summary>The statuses by which a provider refuses the client's request itself, not our credentials or its load.</summary>
    public static bool IsRefusal(HttpStatusCode status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity;

    /// <summary>
    /// The provider's error object (<c>{"error":{"message","type","param","code"}}</c>), which
    /// <see cref="ProviderResponseGuard"/> has read within the attempt and <c>LLM_MAX_RESPONSE_KB</c>, with the
    /// service's key taken out of every text. A body in another shape still refuses the request, in the service's words.
    /// </summary>
    private async Task<ProviderRejectedRequestException> RejectedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var error = ProviderErrorBody.Describe(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        return new ProviderRejectedRequestException(
            status,
            Scrub(error?.Message) ?? $"The provider refused the request (HTTP {status}).",
            Scrub(error?.Type),
            Scrub(error?.Param),
            Scrub(error?.Code));
    }

    private string? Scrub(string? text) => Scrub(text, secrets);

    /// <summary><paramref name="text"/> without any of <paramref name="secrets"/> (longest first, so no key's end is left).</summary>
    public static string? Scrub(string? text, IReadOnlyList<string> secrets)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
