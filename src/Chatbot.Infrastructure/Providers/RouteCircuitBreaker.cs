using System.Net.Http;
using Chatbot.Application.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Extensions.Http;
using Polly.Timeout;

namespace Chatbot.Infrastructure.Providers;

/// <summary>
/// One route's circuit breaker: Polly.Extensions.Http's consecutive-failure breaker on the route's HttpClient, outside
/// its retries, so it counts requests whose retries all failed. It counts 5xx (and 408), attempts past the timeout and
/// an unreachable provider; a 429 is a rate limit, not an outage, and does not count. After
/// <see cref="ChatRoute.BreakerFailures"/> in a row the route is not called for <see cref="ChatRoute.BreakDuration"/>;
/// then one trial call decides whether it is back. Per instance, like Envoy's outlier detection: every instance
/// learns of an outage by its own calls.
/// </summary>
public sealed class RouteCircuitBreaker
{
    private long _openUntilTicks;

    public RouteCircuitBreaker(ChatRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        Route = route;

        // Polly's breaker keeps time with the system clock (DateTime.UtcNow), so the break's end is kept the same way.
        Policy = HttpPolicyExtensions.HandleTransientHttpError()
            .Or<TimeoutRejectedException>()
            .CircuitBreakerAsync(
                route.BreakerFailures,
                route.BreakDuration,
                onBreak: (_, duration) => Interlocked.Exchange(ref _openUntilTicks, DateTime.UtcNow.Add(duration).Ticks),
                onReset: () => Interlocked.Exchange(ref _openUntilTicks, 0));
    }

    public ChatRoute Route { get; }

    public AsyncCircuitBreakerPolicy<HttpResponseMessage> Policy { get; }

    public CircuitState State => Policy.CircuitState;

    /// <summary>What is left of the break (zero once it is over, or when the circuit is closed).</summary>
    public TimeSpan RemainingBreak
    {
        get
        {
            var left = Interlocked.Read(ref _openUntilTicks) - DateTime.UtcNow.Ticks;
            return left > 0 ? TimeSpan.FromTicks(left) : TimeSpan.Zero;
        }
    }

    /// <summary>The state as <c>/health/ready</c> and <c>/metrics</c> name it.</summary>
    public string StateName => State switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half_open",
        _ => "open",
    };
}
