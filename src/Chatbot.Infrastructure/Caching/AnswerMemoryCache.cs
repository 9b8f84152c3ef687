using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Chatbot.Infrastructure.Caching;

/// <summary>
/// The <see cref="IMemoryCache"/> HybridCache keeps answers in, with a size limit that counts what an entry really
/// takes. HybridCache gives each entry the size of its payload alone, a few bytes for a short answer, while the
/// entry, its key and HybridCache's item around it take hundreds: measured, a minute of new short questions grew the
/// process by 276 MB under a 64 MB limit. Each entry is charged <see cref="EntryOverheadBytes"/> and its key on top.
/// </summary>
public sealed class AnswerMemoryCache(long sizeLimitBytes) : IMemoryCache
{
    /// <summary>What an entry takes besides its payload and key (MemoryCache's entry, HybridCache's item, the
    /// dictionary slot), rounded up from the measurement in docs/performance.md.</summary>
    public const long EntryOverheadBytes = 512;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = sizeLimitBytes });

    /// <summary>Entries held now.</summary>
    public int Count => _cache.Count;

    public ICacheEntry CreateEntry(object key) => new ChargedEntry(_cache.CreateEntry(key), Charge(key));

    public bool TryGetValue(object key, out object? value) => _cache.TryGetValue(key, out value);

    public void Remove(object key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();

    private static long Charge(object key) => EntryOverheadBytes + (key is string s ? s.Length * sizeof(char) : 0);

    /// <summary>An entry whose size is its payload's plus <paramref name="charge"/>.</summary>
    private sealed class ChargedEntry(ICacheEntry inner, long charge) : ICacheEntry
    {
        public object Key => inner.Key;

        public object? Value { get => inner.Value; set => inner.Value = value; }

        public DateTimeOffset? AbsoluteExpiration { get => inner.AbsoluteExpiration; set => inner.AbsoluteExpiration = value; }

        public TimeSpan? AbsoluteExpirationRelativeToNow
        {
            get => inner.AbsoluteExpirationRelativeToNow;
            set => inner.AbsoluteExpirationRelativeToNow = value;
        }

        public TimeSpan? SlidingExpiration { get => inner.SlidingExpiration; set => inner.SlidingExpiration = value; }

        public IList<IChangeToken> ExpirationTokens => inner.ExpirationTokens;

        public IList<PostEvictionCallbackRegistration> PostEvictionCallbacks => inner.PostEvictionCallbacks;

        public CacheItemPriority Priority { get => inner.Priority; set => inner.Priority = value; }

        // An entry added without a size (none of HybridCache's) is charged the overhead alone.
        public long? Size { get => inner.Size ?? charge; set => inner.Size = (value ?? 0) + charge; }

        public void Dispose()
        {
            inner.Size ??= charge;
            inner.Dispose();
        }
    }
}
