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
/// many identical questions arrive together, and caches the answer. Registered only when the cache is on,
/// inside the validation behaviour, so an invalid question is never looked up.
/// </summary>
public sealed class AnswerCacheBehaviour(IAnswerCache cache, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : IPipelineBehavior<AskQuestionCommand, AskQuestionResult>
{
    private readonly LlmOptions _options = options.Value;

    public async ValueTask<AskQuestionResult> Handle(
        AskQuestionCommand message,
        MessageHandlerDelegate<AskQuestionCommand, AskQuestionResult> next,
        CancellationToken cancellationToken)
    {
        var key = AnswerCacheKey.For(_options, message.Text!);
        var answer = await cache.GetOrAddAsync(
            key,
            async shared => (await next(message, shared)).Text,
            cancellationToken);
        metrics.CacheLookup(answer.Hit);
        return new AskQuestionResult(answer.Text) { Cache = answer.Hit ? CacheOutcome.Hit : CacheOutcome.Miss };
    }
}

/// <summary>
/// The same for streamed answers: a cached answer is streamed in one piece; otherwise the provider's pieces pass
/// through as they come, and the answer is cached only once the stream has ended normally, so a broken or
/// abandoned stream never leaves half an answer behind.
/// </summary>
public sealed class StreamAnswerCacheBehaviour(IAnswerCache cache, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : IStreamPipelineBehavior<StreamQuestionCommand, string>
{
    private readonly LlmOptions _options = options.Value;

    public IAsyncEnumerable<string> Handle(
        StreamQuestionCommand message,
        StreamHandlerDelegate<StreamQuestionCommand, string> next,
        CancellationToken cancellationToken) =>
        StreamAsync(message, next, cancellationToken);

    private async IAsyncEnumerable<string> StreamAsync(
        StreamQuestionCommand message,
        StreamHandlerDelegate<StreamQuestionCommand, string> next,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = AnswerCacheKey.For(_options, message.Text!);
        var cached = await cache.GetAsync(key, cancellationToken);
        metrics.CacheLookup(cached is not null);
        if (cached is not null)
        {
            message.Cache = CacheOutcome.Hit;
            yield return cached;
            yield break;
        }

        message.Cache = CacheOutcome.Miss;
        var answer = new StringBuilder();
        await foreach (var piece in next(message, cancellationToken).WithCancellation(cancellationToken))
        {
            answer.Append(piece);
            yield return piece;
        }

        // Only reached when the provider's stream ended normally and the client read it to the end.
        await cache.SetAsync(key, answer.ToString(), cancellationToken);
    }
}
