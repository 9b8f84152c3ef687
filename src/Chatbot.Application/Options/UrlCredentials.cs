using System.Text.RegularExpressions;

namespace Chatbot.Application.Options;

/// <summary>
/// A URL as logs, error lines and responses may show it: its user information (a proxy's user and password, a
/// token) replaced by <c>***</c>. What is sent upstream keeps them.
/// </summary>
public static partial class UrlCredentials
{
    public const string Mask = "***";

    /// <summary><c>http://user:pass@host/v1</c> → <c>http://***@host/v1</c>; a URL without user information as it is.</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri && url.UserInfo.Length > 0
            ? new UriBuilder(url) { UserName = Mask, Password = string.Empty }.Uri.ToString()
            : url.ToString();
    }

    /// <summary>
    /// A value that may not even be a URL (a bad setting, echoed in its error line): whatever stands before an
    /// <c>@</c> in its authority, after the scheme, is masked.
    /// </summary>
    public static string Redact(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return UserInfo().Replace(raw, "${prefix}" + Mask + "@", 1);
    }

    // Slashes are optional and may be backslashes (Uri accepts both for http); the authority ends at / \ ? or #.
    [GeneratedRegex(@"^(?<prefix>\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?[/\\]*)[^/\\?#]*@")]
    private static partial Regex UserInfo();
}
