using Chatbot.Infrastructure.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Caching;

/// <summary>
/// The answer cache's Redis layer, which never fails a question: while Redis is away it is not even asked (a read
/// is a miss, a write is dropped), a failure of its own is treated the same way, and either is reported through
/// <see cref="RedisConnection.ReportUnavailable"/>, which holds back repeated warnings.
/// </summary>
public sealed class RedisFallbackDistributedCache : IDistributedCache
{
    private const string Component = "answer cache";
    private const string Consequence = "the answer cache reads and writes this instance's memory only, so answers are not shared";

    private readonly RedisConnection _redis;
    private readonly RedisCache _cache;

    public RedisFallbackDistributedCache(RedisConnection redis)
    {
        _redis = redis;

        // Not disposed here: RedisCache closes the multiplexer it was given, which RedisConnection owns.
        _cache = new RedisCache(Options.Create(new RedisCacheOptions
        {
            ConnectionMultiplexerFactory = () => Task.FromResult(redis.Multiplexer),
        }));
    }

    public byte[]? Get(string key) => Available() ? Try(() => _cache.Get(key), null) : null;

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (!Available())
        {
            return null;
        }

        try
        {
            return await _cache.GetAsync(key, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsTransient(ex))
        {
            _redis.ReportUnavailable(Component, Consequence, ex);
            return null;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (Available())
        {
            Try(() => { _cache.Set(key, value, options); return true; }, false);
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        WriteAsync(() => _cache.SetAsync(key, value, options, token));

    public void Refresh(string key)
    {
        if (Available())
        {
            Try(() => { _cache.Refresh(key); return true; }, false);
        }
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => WriteAsync(() => _cache.RefreshAsync(key, token));

    public void Remove(string key)
    {
        if (Available())
        {
            Try(() => { _cache.Remove(key); return true; }, false);
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default) => WriteAsync(() => _cache.RemoveAsync(key, token));

    private bool Available()
    {
        if (_redis.IsAvailable)
        {
            return true;
        }

        _redis.ReportUnavailable(Component, Consequence);
        return false;
    }

    private async Task WriteAsync(Func<Task> write)
    {
        if (!Available())
        {
            return;
        }

        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsTransient(ex))
        {
            _redis.ReportUnavailable(Component, Consequence, ex);
        }
    }

    private T Try<T>(Func<T> action, T fallback)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (RedisFailures.IsTransient(ex))
        {
            _redis.ReportUnavailable(Component, Consequence, ex);
            return fallback;
        }
    }
}
