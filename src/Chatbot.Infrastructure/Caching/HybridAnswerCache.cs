using Chatbot.Application.Abstractions;
using Microsoft.Extensions.Caching.Hybrid;

namespace Chatbot.Infrastructure.Caching;

/// <summary>
/// The answer cache over <see cref="HybridCache"/>: this instance's memory first, then the distributed cache when
/// one is registered (Redis), then the provider. HybridCache runs one provider call per key at a time in this
/// process, however many identical questions wait for it, and cancels it only when all of them are gone.
/// </summary>
public sealed class HybridAnswerCache(HybridCache cache) : IAnswerCache
{
    // Entry lifetimes come from HybridCacheOptions.DefaultEntryOptions (CACHE_TTL_SECONDS).
    private static readonly HybridCacheEntryOptions ReadOnly = new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    public async ValueTask<CachedAnswer> GetOrAddAsync(
        string key, Func<CancellationToken, ValueTask<string>> answer, CancellationToken cancellationToken)
    {
        // Only the caller whose factory runs asks the provider; the others joined it or found the answer cached.
        var asked = false;
        var text = await cache.GetOrCreateAsync(
            key,
            async shared =>
            {
                asked = true;
                return await answer(shared).ConfigureAwait(false);
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new CachedAnswer(text, Hit: !asked);
    }

    public ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync<string?>(key, static _ => ValueTask.FromResult<string?>(null), ReadOnly, cancellationToken: cancellationToken);

    public ValueTask SetAsync(string key, string answer, CancellationToken cancellationToken) =>
        cache.SetAsync(key, answer, cancellationToken: cancellationToken);
}
