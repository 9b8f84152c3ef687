using System.Runtime.CompilerServices;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.AskQuestion;
using Chatbot.Application.Questions.Caching;
using Chatbot.Application.Questions.StreamQuestion;
using Chatbot.Domain.Providers;
using Chatbot.UnitTests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Chatbot.UnitTests.Application.Questions;

/// <summary>The cache behaviours of /question and /question/stream over a cache that keeps answers in a dictionary.</summary>
public sealed class AnswerCacheBehaviourTests
{
    private static readonly ChatbotMetrics Metrics = new(
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private static readonly LlmOptions Llm = new() { Model = "gpt-test" };

    private readonly DictionaryAnswerCache _cache = new();
    private int _handlerCalls;

    private ValueTask<AskQuestionResult> Handler(AskQuestionCommand command, CancellationToken cancellationToken)
    {
        _handlerCalls++;
        return ValueTask.FromResult(new AskQuestionResult("answer to " + command.Text));
    }

    private AnswerCacheBehaviour Behaviour() => new(MsOptions.Create(TestRoutes.Table(TestRoutes.Of(Llm))), Metrics, _cache);

    private StreamAnswerCacheBehaviour StreamBehaviour() => new(MsOptions.Create(TestRoutes.Table(TestRoutes.Of(Llm))), Metrics, _cache);

    private static async IAsyncEnumerable<AnswerPiece> Pieces(
        IEnumerable<string> pieces, Exception? thenFail = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var piece in pieces)
        {
            await Task.Yield();
            yield return new AnswerPiece(piece);
        }

        if (thenFail is not null)
        {
            throw thenFail;
        }
    }

    private static async Task<List<AnswerPiece>> ReadAll(IAsyncEnumerable<AnswerPiece> pieces)
    {
        var read = new List<AnswerPiece>();
        await foreach (var piece in pieces)
        {
            read.Add(piece);
        }

        return read;
    }

    [Test]
    public async Task A_first_question_asks_the_handler_and_is_a_miss_the_second_is_a_hit_without_it()
    {
        var first = await Behaviour().Handle(new AskQuestionCommand("hi"), Handler, CancellationToken.None);
        var second = await Behaviour().Handle(new AskQuestionCommand("hi"), Handler, CancellationToken.None);

        first.Should().Be(new AskQuestionResult("answer to hi") { Cache = CacheOutcome.Miss });
        second.Should().Be(new AskQuestionResult("answer to hi") { Cache = CacheOutcome.Hit });
        _handlerCalls.Should().Be(1);
        _cache.Stored.Should().ContainKey(AnswerCacheKey.For(TestRoutes.Of(Llm), "hi"));
    }

    [Test]
    public async Task A_cached_answer_is_streamed_in_one_piece_without_the_provider()
    {
        await _cache.SetAsync(AnswerCacheKey.For(TestRoutes.Of(Llm), "hi"), "the cached answer", CancellationToken.None);
        var command = new StreamQuestionCommand("hi");

        var read = await ReadAll(StreamBehaviour().Handle(command, (_, _) => throw new AssertionException("the provider was asked"), CancellationToken.None));

        read.Should().Equal(new AnswerPiece("the cached answer", CacheOutcome.Hit));
    }

    [Test]
    public async Task A_streamed_answer_passes_through_piece_by_piece_and_is_cached_once_complete()
    {
        var command = new StreamQuestionCommand("hi");

        var read = await ReadAll(StreamBehaviour().Handle(command, (_, ct) => Pieces(["The ", "answer."], cancellationToken: ct), CancellationToken.None));

        read.Should().Equal(new AnswerPiece("The ", CacheOutcome.Miss), new AnswerPiece("answer.", CacheOutcome.Miss));
        // The store keeps the route that served it (none here) before a line break, then the text.
        _cache.Stored[AnswerCacheKey.For(TestRoutes.Of(Llm), "hi")].Should().Be("\nThe answer.");
    }

    [Test]
    public async Task A_stream_that_fails_after_its_first_piece_is_not_cached()
    {
        var failure = new ProviderInvalidResponseException("broken");

        var act = () => ReadAll(StreamBehaviour().Handle(new StreamQuestionCommand("hi"), (_, ct) => Pieces(["Half "], failure, ct), CancellationToken.None));

        (await act.Should().ThrowAsync<ProviderInvalidResponseException>()).Which.Should().BeSameAs(failure);
        _cache.Stored.Should().BeEmpty();
    }

    [Test]
    public async Task A_stream_the_client_stops_reading_is_not_cached()
    {
        await foreach (var _ in StreamBehaviour().Handle(new StreamQuestionCommand("hi"), (_, ct) => Pieces(["one ", "two ", "three"], cancellationToken: ct), CancellationToken.None))
        {
            break;
        }

        _cache.Stored.Should().BeEmpty();
    }

    [Test]
    public async Task With_the_cache_off_a_question_passes_straight_through()
    {
        var behaviour = new AnswerCacheBehaviour(MsOptions.Create(TestRoutes.Table(TestRoutes.Of(Llm))), Metrics);
        var streamBehaviour = new StreamAnswerCacheBehaviour(MsOptions.Create(TestRoutes.Table(TestRoutes.Of(Llm))), Metrics);

        var answer = await behaviour.Handle(new AskQuestionCommand("hi"), Handler, CancellationToken.None);
        var pieces = await ReadAll(streamBehaviour.Handle(new StreamQuestionCommand("hi"), (_, ct) => Pieces(["The ", "answer."], cancellationToken: ct), CancellationToken.None));

        answer.Should().Be(new AskQuestionResult("answer to hi") { Cache = CacheOutcome.None });
        pieces.Should().Equal(new AnswerPiece("The "), new AnswerPiece("answer."));
        _handlerCalls.Should().Be(1);
    }

    /// <summary>Keeps answers in a dictionary; no single flight, which is the adapter's business.</summary>
    private sealed class DictionaryAnswerCache : IAnswerCache
    {
        public Dictionary<string, string> Stored { get; } = [];

        public async ValueTask<CachedAnswer> GetOrAddAsync(string key, Func<CancellationToken, ValueTask<string>> answer, CancellationToken cancellationToken)
        {
            if (Stored.TryGetValue(key, out var cached))
            {
                return new CachedAnswer(cached, Hit: true);
            }

            var text = await answer(cancellationToken);
            Stored[key] = text;
            return new CachedAnswer(text, Hit: false);
        }

        public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Stored.GetValueOrDefault(key));

        public ValueTask SetAsync(string key, string answer, CancellationToken cancellationToken)
        {
            Stored[key] = answer;
            return ValueTask.CompletedTask;
        }
    }
}
