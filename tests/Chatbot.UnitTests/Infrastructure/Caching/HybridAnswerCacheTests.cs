using Chatbot.Infrastructure.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.UnitTests.Infrastructure.Caching;

/// <summary>The answer cache in process (HybridCache without a distributed layer).</summary>
public sealed class HybridAnswerCacheTests
{
    private ServiceProvider _services = null!;
    private HybridAnswerCache _cache = null!;

    [SetUp]
    public void Create()
    {
        _services = new ServiceCollection()
            .AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromMinutes(5) })
            .Services.BuildServiceProvider();
        _cache = new HybridAnswerCache(_services.GetRequiredService<HybridCache>());
    }

    [TearDown]
    public void Dispose() => _services.Dispose();

    [Test]
    public async Task A_first_lookup_produces_the_answer_and_a_second_finds_it()
    {
        var first = await _cache.GetOrAddAsync("k", _ => ValueTask.FromResult("answer"), CancellationToken.None);
        var second = await _cache.GetOrAddAsync("k", _ => throw new AssertionException("asked again"), CancellationToken.None);

        first.Should().Be(new Chatbot.Application.Abstractions.CachedAnswer("answer", Hit: false));
        second.Should().Be(new Chatbot.Application.Abstractions.CachedAnswer("answer", Hit: true));
    }

    [Test]
    public async Task Concurrent_lookups_of_one_key_share_one_call_and_only_its_caller_misses()
    {
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;

        var lookups = Enumerable.Range(0, 20)
            .Select(_ => _cache.GetOrAddAsync("k", async _ =>
            {
                Interlocked.Increment(ref calls);
                return await release.Task;
            }, CancellationToken.None).AsTask())
            .ToList();
        release.SetResult("shared answer");
        var answers = await Task.WhenAll(lookups);

        calls.Should().Be(1);
        answers.Should().OnlyContain(a => a.Text == "shared answer");
        answers.Count(a => !a.Hit).Should().Be(1);
    }

    [Test]
    public async Task A_failure_is_not_cached()
    {
        var failing = async () => await _cache.GetOrAddAsync("k", _ => throw new InvalidOperationException("provider down"), CancellationToken.None);
        await failing.Should().ThrowAsync<InvalidOperationException>();

        var next = await _cache.GetOrAddAsync("k", _ => ValueTask.FromResult("answer"), CancellationToken.None);

        next.Hit.Should().BeFalse();
    }

    [Test]
    public async Task A_plain_lookup_finds_what_was_set_and_creates_nothing_when_absent()
    {
        var absent = await _cache.GetAsync("k", CancellationToken.None);
        await _cache.SetAsync("k", "streamed answer", CancellationToken.None);
        var present = await _cache.GetAsync("k", CancellationToken.None);
        var other = await _cache.GetAsync("other", CancellationToken.None);

        absent.Should().BeNull();
        present.Should().Be("streamed answer");
        other.Should().BeNull();
    }
}
