using System.Runtime.CompilerServices;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Routing;

/// <summary>
/// Picks the route a request names and hands it to that route's fallbacks when it fails with a failure that may pass
/// (<see cref="ProviderFailures.IsTransient"/>: 429, 5xx, a timeout, an unreachable provider, an open circuit). A
/// refused request, refused credentials or an unusable answer never fall back. A stream falls back only before its
/// first piece. Each route tried makes at most its own attempts, so a request makes at most the sum of the tried
/// routes' attempts. When every route fails, the last failure is the answer.
/// </summary>
public sealed partial class ChatRouter(
    IOptions<RouteTable> routes, IRouteProviders providers, ChatbotMetrics metrics, ILogger<ChatRouter> logger)
{
    private readonly RouteTable _routes = routes.Value;

    public RouteTable Routes => _routes;

    /// <summary>The route clients call <paramref name="model"/> (any case), the default one for none, or null.</summary>
    public ChatRoute? Find(string? model) =>
        string.IsNullOrEmpty(model) ? _routes.Default : _routes.Find(model);

    /// <summary>The route a validated request names (the validator refused a model no route serves).</summary>
    public ChatRoute Resolve(string? model) =>
        Find(model) ?? throw new InvalidOperationException($"No route serves the model '{model}'; the validator should have refused it.");

    /// <param name="route">The route the client named.</param>
    /// <param name="build">The request as one route sends it (its upstream model, its defaults).</param>
    /// <param name="cancellationToken">The client's.</param>
    public async ValueTask<ChatCompletion> CompleteAsync(
        ChatRoute route, Func<ChatRoute, ChatCompletionRequest> build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(build);
        ProviderException? last = null;
        foreach (var (candidate, provider, request) in Candidates(route, build))
        {
            try
            {
                var completion = await provider.CompleteAsync(request, cancellationToken);
                if (completion.Usage is { } usage)
                {
                    metrics.Tokens(candidate.Model, candidate.Llm.Provider, completion.Model, usage.PromptTokens, usage.CompletionTokens);
                }

                return completion with { Route = candidate.Model };
            }
            catch (ProviderException ex)
            {
                if (!FallsBack(candidate, ex))
                {
                    throw;
                }

                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>
    /// The answer in pieces. The first piece says which route serves (<see cref="ChatCompletionUpdate.Route"/>); until
    /// then a failure that may pass tries the next route, after it every failure is the stream's.
    /// </summary>
    public async IAsyncEnumerable<ChatCompletionUpdate> StreamAsync(
        ChatRoute route, Func<ChatRoute, ChatCompletionRequest> build, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(build);
        ProviderException? last = null;
        IAsyncEnumerator<ChatCompletionUpdate>? pieces = null;
        ChatRoute? serving = null;
        var any = false;
        foreach (var (candidate, provider, request) in Candidates(route, build))
        {
            var enumerator = provider.StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                any = await enumerator.MoveNextAsync();
                pieces = enumerator;
                serving = candidate;
                break;
            }
            catch (ProviderException ex)
            {
                await enumerator.DisposeAsync();
                if (!FallsBack(candidate, ex))
                {
                    throw;
                }

                last = ex;
            }
            catch
            {
                await enumerator.DisposeAsync();
                throw;
            }
        }

        if (pieces is null || serving is null)
        {
            throw last!;
        }

        await using (pieces)
        {
            TokenUsage? usage = null;
            string? model = null;
            var completed = false;
            try
            {
                if (any)
                {
                    usage = pieces.Current.Usage;
                    model = pieces.Current.Model;
                    yield return pieces.Current with { Route = serving.Model };
                }

                while (any)
                {
                    try
                    {
                        any = await pieces.MoveNextAsync();
                    }
                    catch (ProviderException ex)
                    {
                        metrics.ProviderFailure(serving.Model, serving.Llm.Provider, ex.Kind);
                        throw;
                    }

                    if (any)
                    {
                        usage = pieces.Current.Usage ?? usage;
                        model = pieces.Current.Model ?? model;
                        yield return pieces.Current;
                    }
                }

                completed = true;
            }
            finally
            {
                // A stream the client cancels still counts what the provider reported before the cut.
                if (usage is not null)
                {
                    metrics.Tokens(serving.Model, serving.Llm.Provider, model ?? serving.Llm.Model, usage.PromptTokens, usage.CompletionTokens, cancelled: !completed);
                }
            }
        }
    }

    /// <summary>The named route, then its fallbacks in order, each with its adapter and its request; fallbacks that cannot take the request are left out.</summary>
    private IEnumerable<(ChatRoute Route, IChatCompletionProvider Provider, ChatCompletionRequest Request)> Candidates(
        ChatRoute route, Func<ChatRoute, ChatCompletionRequest> build)
    {
        yield return (route, providers.For(route), build(route));
        foreach (var name in route.Fallbacks)
        {
            if (!_routes.TryGet(name, out var fallback))
            {
                continue;
            }

            var provider = providers.For(fallback);
            var request = build(fallback);

            // Validated against the route the client named; a fallback that cannot take it is skipped, never a 400.
            if (provider is IChatRequestCapabilities capabilities && capabilities.Unsupported(request) is { } field)
            {
                LogSkipped(logger, fallback.Model, route.Model, field.Param);
                continue;
            }

            yield return (fallback, provider, request);
        }
    }

    // Counts the failure; only one that may pass hands the request on: the client or the operator must fix the others.
    private bool FallsBack(ChatRoute route, ProviderException failure)
    {
        metrics.ProviderFailure(route.Model, route.Llm.Provider, failure.Kind);
        if (!ProviderFailures.IsTransient(failure))
        {
            return false;
        }

        LogFailedOver(logger, route.Model, failure.Kind, failure.Message);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route {Route} failed ({Kind}: {Reason}); trying its next fallback, if any")]
    private static partial void LogFailedOver(ILogger logger, string route, ProviderFailureKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fallback route {Fallback} of {Route} skipped: it cannot take '{Param}'")]
    private static partial void LogSkipped(ILogger logger, string fallback, string route, string param);
}
