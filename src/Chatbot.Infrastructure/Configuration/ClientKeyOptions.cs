using Chatbot.Infrastructure.Security;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// The client API keys (<c>API_KEYS</c>, <c>API_KEYS_FILE</c>); every client is let in unless one is set. Neither a
/// key nor a line of the key file ever appears in an error line: they are named by their position.
/// </summary>
public sealed record ClientKeyOptions
{
    private const string KeyRule = "16 to 256 printable ASCII characters without spaces";

    /// <summary>Empty when every client is let in.</summary>
    public ClientApiKeys Keys { get; init; } = ClientApiKeys.None;

    public bool Required => Keys.Count > 0;

    public static ClientKeyOptions Read(SettingsReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var keys = new List<string>();
        if (reader.Text(Variables.ApiKeys) is { } raw)
        {
            var listed = raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (listed.Length == 0)
            {
                reader.Fail(Variables.ApiKeys, "must list at least one key, separated by commas.");
            }

            for (var i = 0; i < listed.Length; i++)
            {
                if (ClientApiKeys.IsWellFormed(listed[i]))
                {
                    keys.Add(listed[i]);
                }
                else
                {
                    reader.Fail(Variables.ApiKeys, $"must list keys of {KeyRule}; key {i + 1} is not.");
                }
            }
        }

        if (reader.Text(Variables.ApiKeysFile) is { } path)
        {
            keys.AddRange(ReadKeyFile(reader, path.Trim()));
        }

        return new ClientKeyOptions { Keys = ClientApiKeys.From(keys) };
    }

    // One key per line; blank lines and lines starting with # are skipped.
    private static List<string> ReadKeyFile(SettingsReader reader, string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            reader.Fail(Variables.ApiKeysFile, $"must name a readable file, got '{path}' ({ex.GetType().Name}).");
            return [];
        }

        var keys = new List<string>();
        var bad = false;
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
                bad = true;
                reader.Fail(Variables.ApiKeysFile, $"must hold one key of {KeyRule} per line; line {i + 1} of '{path}' is not.");
            }
        }

        if (keys.Count == 0 && !bad)
        {
            reader.Fail(Variables.ApiKeysFile, $"must hold at least one key, but '{path}' has none.");
        }

        return keys;
    }
}
