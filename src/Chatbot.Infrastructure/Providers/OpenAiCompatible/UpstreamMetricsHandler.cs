using System.Globalization;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Sits inside the retry loop, so it sees every attempt: counts each call to the provider by status and
/// attempt number (kept in the Polly context that the retry handler shares across attempts).
/// </summary>
public sealed class UpstreamMetricsHandler(ChatbotMetrics metrics, IOptions<LlmOptions> options) : DelegatingHandler
{
    private const string AttemptKey = "chatbot.attempt";
    private static readonly string[] StatusLabels = [.. Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private readonly string _provider = options.Value.Provider;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = NextAttempt(request);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            metrics.UpstreamCall(_provider, code is >= 0 and < 600 ? StatusLabels[code] : "other", attempt);
            return response;
        }
        catch (TimeoutRejectedException)
        {
            metrics.UpstreamCall(_provider, "timeout", attempt);
            throw;
        }
        catch (HttpRequestException)
        {
            metrics.UpstreamCall(_provider, "connection_error", attempt);
            throw;
        }
    }

    private static int NextAttempt(HttpRequestMessage request)
    {
        var context = request.GetPolicyExecutionContext();
        if (context is null)
        {
            return 1;
        }

        var attempt = context.TryGetValue(AttemptKey, out var value) && value is int previous ? previous + 1 : 1;
        context[AttemptKey] = attempt;
        return attempt;
    }
}
