using System.Net.Http.Headers;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>How long to wait before another attempt: exponential, capped, and at least what the provider asked.</summary>
public static class RetryDelay
{
    /// <param name="retry">1 for the wait before the second attempt, 2 before the third, ...</param>
    public static TimeSpan Compute(int retry, TimeSpan? retryAfter, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var exponent = Math.Min(retry - 1, 30);
        var exponential = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), maxDelay.Ticks));
        var wanted = retryAfter is { } asked && asked > exponential ? asked : exponential;
        return wanted > maxDelay ? maxDelay : wanted;
    }

    /// <summary>The provider's <c>Retry-After</c>, as seconds or as an HTTP date; null when absent or past.</summary>
    public static TimeSpan? ReadRetryAfter(HttpResponseMessage? response, DateTimeOffset now)
    {
        RetryConditionHeaderValue? header = response?.Headers.RetryAfter;
        var delay = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        return delay > TimeSpan.Zero ? delay : null;
    }
}
