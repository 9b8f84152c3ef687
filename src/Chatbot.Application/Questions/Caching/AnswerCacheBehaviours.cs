using System.Runtime.CompilerServices;
using System.Text;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.AskQuestion;
using Chatbot.Application.Questions.StreamQuestion;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Questions.Caching;

/// <summary>
/// Answers a question from the cache when it can; otherwise asks the handler once per key at a time, however
/// many identical questions arrive together, and caches the answer. It runs inside validation (the pipeline's
/// order is written once, where the host calls <c>AddMediator</c>), so an invalid question is never looked up.
/// With the cache off no <see cref="IAnswerCache"/> is registered and the question passes straight through.
/// </summary>
public sealed class AnswerCacheBehaviour(IOptions<RouteTable> routes, ChatbotMetrics metrics, IAnswerCache? cache = null)
    : IPipelineBehavior<AskQuestionCommand, AskQuestionResult>
{
    private readonly ChatRoute _route = routes.Value.Default;

    public ValueTask<AskQuestionResult> Handle(
        AskQuestionCommand message,
        MessageHandlerDelegate<AskQuestionCommand, AskQuestionResult> next,
        CancellationToken cancellationToken) =>
        cache is null ? next(message, cancellationToken) : AnswerAsync(cache, message, next, cancellationToken);

    private async ValueTask<AskQuestionResult> AnswerAsync(
        IAnswerCache answers,
        AskQuestionCommand message,
        MessageHandlerDelegate<AskQuestionCommand, AskQuestionResult> next,
        CancellationToken cancellationToken)
    {
        var key = AnswerCacheKey.For(_route, message.Text!);
        var answer = await answers.GetOrAddAsync(
            key,
            async shared =>
            {
                var result = await next(message, shared);
                return CachedEntry.Write(result.Route, result.Text);
            },
            cancellationToken);
        metrics.CacheLookup(answer.Hit);
        var (route, text) = CachedEntry.Read(answer.Text);
        return new AskQuestionResult(text) { Cache = answer.Hit ? CacheOutcome.Hit : CacheOutcome.Miss, Route = route };
    }
}

/// <summary>
/// The same for streamed answers: a cached answer is streamed in one piece; otherwise the provider's pieces pass
/// through as they come, and the answer is cached only once the stream has ended normally, so a broken or
/// abandoned stream never leaves half an answer behind. Every piece says whether the cache served it.
/// </summary>
public sealed class StreamAnswerCacheBehaviour(IOptions<RouteTable> routes, ChatbotMetrics metrics, IAnswerCache? cache = null)
    : IStreamPipelineBehavior<StreamQuestionCommand, AnswerPiece>
{
    private readonly ChatRoute _route = routes.Value.Default;

    public IAsyncEnumerable<AnswerPiece> Handle(
        StreamQuestionCommand message,
        StreamHandlerDelegate<StreamQuestionCommand, AnswerPiece> next,
        CancellationToken cancellationToken) =>
        cache is null ? next(message, cancellationToken) : StreamAsync(cache, message, next, cancellationToken);

    private async IAsyncEnumerable<AnswerPiece> StreamAsync(
        IAnswerCache answers,
        StreamQuestionCommand message,
        StreamHandlerDelegate<StreamQuestionCommand, AnswerPiece> next,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = AnswerCacheKey.For(_route, message.Text!);
        var cached = await answers.GetAsync(key, cancellationToken);
        metrics.CacheLookup(cached is not null);
        if (cached is not null)
        {
            var (route, text) = CachedEntry.Read(cached);
            yield return new AnswerPiece(text, CacheOutcome.Hit, route);
            yield break;
        }

        var answer = new StringBuilder();
        string? serving = null;
        await foreach (var piece in next(message, cancellationToken).WithCancellation(cancellationToken))
        {
            serving ??= piece.Route;
            answer.Append(piece.Text);
            yield return piece with { Cache = CacheOutcome.Miss };
        }

        // Only reached when the provider's stream ended normally and the client read it to the end.
        await answers.SetAsync(key, CachedEntry.Write(serving, answer.ToString()), cancellationToken);
    }
}

/// <summary>
/// A cached answer as the store keeps it: the route that served it, a line break, then the text. A route name holds
/// no line break (the routes file's rule), so the first one ends it whatever the text holds.
/// </summary>
internal static class CachedEntry
{
    public static string Write(string? route, string text) => (route ?? string.Empty) + "\n" + text;

    public static (string? Route, string Text) Read(string entry)
    {
        var end = entry.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? (null, entry) : (end == 0 ? null : entry[..end], entry[(end + 1)..]);
    }
}
