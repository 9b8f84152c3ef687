using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// Where Redis is (<c>REDIS_URL</c>): <c>redis://[user:password@]host:port[/db]</c>, <c>rediss://</c> for TLS, or a
/// StackExchange.Redis configuration string. The password never appears in a log or an error line.
/// </summary>
public sealed partial record RedisOptions
{
    /// <summary>Null when no Redis is set: then cache and rate limits live in each instance.</summary>
    public ConfigurationOptions? Configuration { get; init; }

    /// <summary>Redis's endpoints as <c>host:port</c>, for logs (no password).</summary>
    public string Endpoints => Configuration is null
        ? "(none)"
        : string.Join(",", Configuration.EndPoints.Select(e => e switch
        {
            DnsEndPoint dns => dns.Host + ":" + dns.Port.ToString(CultureInfo.InvariantCulture),
            _ => e.ToString(),
        }));

    public static RedisOptions Read(SettingsReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new RedisOptions { Configuration = Parse(reader) };
    }

    private static ConfigurationOptions? Parse(SettingsReader reader)
    {
        if (reader.Text(Variables.RedisUrl) is not { } raw)
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
            reader.Fail(Variables.RedisUrl, $"must be redis://[user:password@]host:port[/db] or a StackExchange.Redis configuration string, got '{Redact(raw)}'.");
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
