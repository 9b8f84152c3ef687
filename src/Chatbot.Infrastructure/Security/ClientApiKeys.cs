using System.Security.Cryptography;
using System.Text;

namespace Chatbot.Infrastructure.Security;

/// <summary>
/// The client API keys this service accepts (<c>API_KEYS</c>, <c>API_KEYS_FILE</c>), held as SHA-256 hashes only.
/// A presented key is hashed and compared with every accepted hash in constant time, so neither the time taken nor
/// an early exit tells how much of a key was right, or which key matched.
/// </summary>
public sealed class ClientApiKeys
{
    public const int MinLength = 16;
    public const int MaxLength = 256;

    public static readonly ClientApiKeys None = new([]);

    private readonly byte[][] _hashes;

    private ClientApiKeys(byte[][] hashes) => _hashes = hashes;

    public int Count => _hashes.Length;

    public static ClientApiKeys From(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var hashes = new List<byte[]>();
        foreach (var key in keys)
        {
            var hash = Hash(key);
            if (!hashes.Exists(h => h.AsSpan().SequenceEqual(hash)))
            {
                hashes.Add(hash);
            }
        }

        return new ClientApiKeys([.. hashes]);
    }

    /// <summary>Printable ASCII without spaces, <see cref="MinLength"/> to <see cref="MaxLength"/> characters.</summary>
    public static bool IsWellFormed(string key) =>
        key.Length is >= MinLength and <= MaxLength && key.All(c => c is > ' ' and <= '~');

    /// <summary>
    /// True when <paramref name="presented"/> is an accepted key; <paramref name="client"/> then names the client
    /// (<c>key:</c> and the start of the key's hash) for rate limits and logs, never the key itself.
    /// </summary>
    public bool TryMatch(string presented, out string client)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var hash = Hash(presented);
        var matched = false;
        foreach (var accepted in _hashes)
        {
            // No early exit: every accepted key is compared, whichever matches.
            matched |= CryptographicOperations.FixedTimeEquals(hash, accepted);
        }

        client = matched ? "key:" + Convert.ToHexStringLower(hash, 0, 8) : string.Empty;
        return matched;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
