using Chatbot.Application.Abstractions;
using Chatbot.Infrastructure;
using Chatbot.Infrastructure.Caching;
using Chatbot.Infrastructure.Configuration;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.UnitTests.Infrastructure.Caching;

/// <summary>CACHE_MEMORY_MB: the answer cache of one instance cannot grow past its limit, however many new questions come.</summary>
public sealed class AnswerCacheMemoryLimitTests
{
    [Test]
    public async Task Distinct_answers_beyond_CACHE_MEMORY_MB_are_not_all_kept_and_the_cache_still_answers()
    {
        await using var services = Services(("CACHE_TTL_SECONDS", "300"), ("CACHE_MEMORY_MB", "1"));
        var cache = services.GetRequiredService<IAnswerCache>();
        var answer = new string('a', 1000);

        // 3,000 answers of about 1 KB each: three times the limit.
        for (var i = 0; i < 3000; i++)
        {
            await cache.GetOrAddAsync($"question-{i}", _ => ValueTask.FromResult(answer), CancellationToken.None);
        }

        var memory = (AnswerMemoryCache)services.GetRequiredService<IMemoryCache>();
        memory.Count.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(1024 * 1024 / 1000, "1 MB holds fewer than 1,049 answers of 1 KB");
        var again = await cache.GetOrAddAsync("question-new", _ => ValueTask.FromResult("fresh"), CancellationToken.None);
        again.Text.Should().Be("fresh");
    }

    [Test]
    public async Task Without_CACHE_MEMORY_MB_the_limit_is_64_MB()
    {
        await using var services = Services(("CACHE_TTL_SECONDS", "300"));
        var cache = services.GetRequiredService<IAnswerCache>();
        var answer = new string('a', 1000);
        for (var i = 0; i < 3000; i++)
        {
            await cache.GetOrAddAsync($"question-{i}", _ => ValueTask.FromResult(answer), CancellationToken.None);
        }

        ((AnswerMemoryCache)services.GetRequiredService<IMemoryCache>()).Count.Should().Be(3000, "3 MB is well within 64 MB");
    }

    [Test]
    public async Task Short_answers_are_charged_what_their_entries_take_not_only_their_few_bytes()
    {
        // 5,000 answers of 2 bytes: 10 KB of payload, but each entry takes hundreds of bytes of memory.
        await using var services = Services(("CACHE_TTL_SECONDS", "300"), ("CACHE_MEMORY_MB", "1"));
        var cache = services.GetRequiredService<IAnswerCache>();
        for (var i = 0; i < 5000; i++)
        {
            await cache.GetOrAddAsync($"question-{i}", _ => ValueTask.FromResult("ok"), CancellationToken.None);
        }

        ((AnswerMemoryCache)services.GetRequiredService<IMemoryCache>()).Count.Should()
            .BeLessThanOrEqualTo((int)(1024 * 1024 / AnswerMemoryCache.EntryOverheadBytes), "each entry is charged at least its overhead");
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddInfrastructure(ServiceSettings.Read(configuration));
        return services.BuildServiceProvider();
    }
}
