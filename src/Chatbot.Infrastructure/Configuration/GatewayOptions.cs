using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Chatbot.Infrastructure.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// What the service does for its clients besides answering: the answer cache, client API keys, rate limits,
/// and Redis to share their state between instances. Every feature is off unless its variable is set, and then
/// costs nothing: its services and middleware are not even registered.
/// </summary>
public sealed partial class GatewayOptions
{
    public const string RedisUrlVariable = "REDIS_URL";
    public const string CacheTtlVariable = "CACHE_TTL_SECONDS";
    public const string ApiKeysVariable = "API_KEYS";
    public const string ApiKeysFileVariable = "API_KEYS_FILE";
    public const string RateLimitVariable = "RATE_LIMIT_PER_MINUTE";
    public const string CacheMemoryVariable = "CACHE_MEMORY_MB";
    public const int DefaultCacheMemoryMegabytes = 64;
    public const int MaxCacheMemoryMegabytes = 65_536;

    public const int MaxCacheTtlSeconds = 30 * 24 * 3600;
    public const int MaxRateLimitPerMinute = 1_000_000;

    private const string KeyRule = "16 to 256 printable ASCII characters without spaces";

    /// <summary>Where Redis is, or null: then cache and rate limits live in each instance.</summary>
    public ConfigurationOptions? Redis { get; private init; }

    /// <summary>
    /// Redis when a feature keeps its state there (the cache or the rate limit is on), else null: a REDIS_URL set
    /// for nothing (as a shared deployment config may) costs no connection and no readiness check.
    /// </summary>
    public ConfigurationOptions? SharedRedis => CacheEnabled || RateLimitPerMinute > 0 ? Redis : null;

    /// <summary>Zero when the answer cache is off.</summary>
    public TimeSpan CacheTimeToLive { get; private init; }

    public bool CacheEnabled => CacheTimeToLive > TimeSpan.Zero;

    /// <summary>
    /// How much of this instance's memory cached answers may take (<c>CACHE_MEMORY_MB</c>, 64 MB unless set): past
    /// it, new answers are not kept in memory (Redis, when there is one, still has them) and the oldest make room.
    /// </summary>
    public long CacheMemoryLimitBytes { get; private init; } = DefaultCacheMemoryMegabytes * 1024L * 1024L;

    /// <summary>Empty when every client is let in.</summary>
    public ClientApiKeys ApiKeys { get; private init; } = ClientApiKeys.None;

    public bool ApiKeysRequired => ApiKeys.Count > 0;

    /// <summary>Zero when clients are not rate limited.</summary>
    public int RateLimitPerMinute { get; private init; }

    /// <summary>
    /// Reads the variables; a bad value throws <see cref="OptionsValidationException"/> whose failures name it.
    /// Neither a key nor the Redis password ever appears in a failure.
    /// </summary>
    public static GatewayOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var options = new GatewayOptions
        {
            Redis = ReadRedis(configuration[RedisUrlVariable], errors),
            CacheTimeToLive = TimeSpan.FromSeconds(ReadWholeNumber(configuration, CacheTtlVariable, MaxCacheTtlSeconds, errors)),
            ApiKeys = ReadApiKeys(configuration, errors),
            RateLimitPerMinute = ReadWholeNumber(configuration, RateLimitVariable, MaxRateLimitPerMinute, errors),
            CacheMemoryLimitBytes = ReadCacheMemoryMegabytes(configuration, errors) * 1024L * 1024L,
        };
        return errors.Count == 0
            ? options
            : throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(GatewayOptions), errors);
    }

    /// <summary>Redis's endpoints as <c>host:port</c>, for logs (no password).</summary>
    public string RedisEndpoints => Redis is null
        ? "(none)"
        : string.Join(",", Redis.EndPoints.Select(e => e switch
        {
            DnsEndPoint dns => dns.Host + ":" + dns.Port.ToString(CultureInfo.InvariantCulture),
            _ => e.ToString(),
        }));

    private static int ReadWholeNumber(IConfiguration configuration, string name, int max, List<string> errors)
    {
        var raw = configuration[name];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return 0;
        }

        if (int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= max)
        {
            return value;
        }

        errors.Add($"{name} must be a whole number from 0 (off) to {max}, got '{raw}'.");
        return 0;
    }

    private static int ReadCacheMemoryMegabytes(IConfiguration configuration, List<string> errors)
    {
        var raw = configuration[CacheMemoryVariable];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return DefaultCacheMemoryMegabytes;
        }

        if (int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= MaxCacheMemoryMegabytes)
        {
            return value;
        }

        errors.Add($"{CacheMemoryVariable} must be a whole number of megabytes from 1 to {MaxCacheMemoryMegabytes}, got '{raw}'.");
        return DefaultCacheMemoryMegabytes;
    }

    private static ClientApiKeys ReadApiKeys(IConfiguration configuration, List<string> errors)
    {
        var keys = new List<string>();
        var raw = configuration[ApiKeysVariable];
        if (!string.IsNullOrWhiteSpace(raw))
        {
            var listed = raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (listed.Length == 0)
            {
                errors.Add($"{ApiKeysVariable} must list at least one key, separated by commas.");
            }

            for (var i = 0; i < listed.Length; i++)
            {
                if (ClientApiKeys.IsWellFormed(listed[i]))
                {
                    keys.Add(listed[i]);
                }
                else
                {
                    errors.Add($"{ApiKeysVariable} must list keys of {KeyRule}; key {i + 1} is not.");
                }
            }
        }

        var path = configuration[ApiKeysFileVariable];
        if (!string.IsNullOrWhiteSpace(path))
        {
            keys.AddRange(ReadKeyFile(path.Trim(), errors));
        }

        return ClientApiKeys.From(keys);
    }

    // One key per line; blank lines and lines starting with # are skipped.
    private static List<string> ReadKeyFile(string path, List<string> errors)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.Add($"{ApiKeysFileVariable} must name a readable file, got '{path}' ({ex.GetType().Name}).");
            return [];
        }

        var keys = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (ClientApiKeys.IsWellFormed(line))
            {
                keys.Add(line);
            }
            else
            {
                errors.Add($"{ApiKeysFileVariable} must hold one key of {KeyRule} per line; line {i + 1} of '{path}' is not.");
            }
        }

        if (keys.Count == 0 && errors.Count == 0)
        {
            errors.Add($"{ApiKeysFileVariable} must hold at least one key, but '{path}' has none.");
        }

        return keys;
    }

    private static ConfigurationOptions? ReadRedis(string? raw, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        raw = raw.Trim();
        ConfigurationOptions? options;
        try
        {
            options = raw.Contains("://", StringComparison.Ordinal) ? FromUrl(raw) : ConfigurationOptions.Parse(raw);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException or RedisException)
        {
            options = null;
        }

        if (options is null || options.EndPoints.Count == 0)
        {
            errors.Add($"{RedisUrlVariable} must be redis://[user:password@]host:port[/db] or a StackExchange.Redis configuration string, got '{Redact(raw)}'.");
            return null;
        }

        ApplyServiceDefaults(options, raw);
        return options;
    }

    // redis://[user:password@]host[:port][/db], rediss:// for TLS (the URI scheme registered with IANA).
    private static ConfigurationOptions? FromUrl(string raw)
    {
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("redis" or "rediss")
            || string.IsNullOrEmpty(uri.Host)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return null;
        }

        var options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
        options.EndPoints.Add(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            options.User = user.Length > 0 ? user : null;
            options.Password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        var database = uri.AbsolutePath.Trim('/');
        if (database.Length > 0)
        {
            if (!int.TryParse(database, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return null;
            }

            options.DefaultDatabase = index;
        }

        return options;
    }

    /// <summary>
    /// The service must answer while Redis is away and use it again once it is back: never give up connecting,
    /// fail at once rather than queue while disconnected, and wait little for a Redis that does not answer.
    /// Timeouts the configuration string sets itself are kept.
    /// </summary>
    private static void ApplyServiceDefaults(ConfigurationOptions options, string raw)
    {
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new ExponentialRetry(500, 5000);
        if (!raw.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = 2000;
        }

        if (!raw.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.SyncTimeout = 1000;
        }

        if (!raw.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.AsyncTimeout = 1000;
        }

        options.ClientName ??= "chatbot-api";
    }

    /// <summary>The value with any password (and a URL's whole user part) masked, fit for an error line.</summary>
    public static string Redact(string raw) =>
        UrlUserInfo().Replace(PasswordSetting().Replace(raw, "$1***"), "$1***@");

    [GeneratedRegex("(?i)(password=)[^,]*")]
    private static partial Regex PasswordSetting();

    [GeneratedRegex("(://)[^/]*@")]
    private static partial Regex UrlUserInfo();
}
