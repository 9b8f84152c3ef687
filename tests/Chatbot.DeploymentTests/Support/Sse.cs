using System.Text;

namespace Chatbot.DeploymentTests.Support;

/// <summary>Reads a server-sent-event stream as it arrives.</summary>
public sealed class Sse(Stream stream)
{
    private readonly StringBuilder _received = new();
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Everything received so far.</summary>
    public string Received => _received.ToString();

    /// <summary>Complete events received so far (separated by a blank line).</summary>
    public IReadOnlyList<string> Events =>
        Received.Split("\n\n", StringSplitOptions.None).SkipLast(1).ToList();

    /// <summary>Reads until at least <paramref name="count"/> complete events have arrived; throws when <paramref name="ct"/> ends first.</summary>
    public async Task<IReadOnlyList<string>> ReadEventsAsync(int count, CancellationToken ct)
    {
        while (Events.Count < count)
        {
            var read = await stream.ReadAsync(_buffer, ct);
            if (read == 0)
            {
                break;
            }

            _received.Append(Encoding.UTF8.GetString(_buffer, 0, read));
        }

        return Events;
    }

    /// <summary>Reads until a complete event matches <paramref name="match"/>; throws when <paramref name="ct"/> ends first.</summary>
    public async Task<string> ReadUntilAsync(Func<string, bool> match, CancellationToken ct)
    {
        while (true)
        {
            if (Events.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            var read = await stream.ReadAsync(_buffer, ct);
            if (read == 0)
            {
                throw new AssertionException($"The stream ended before the awaited event. Received:\n{Received}");
            }

            _received.Append(Encoding.UTF8.GetString(_buffer, 0, read));
        }
    }

    /// <summary>Reads to the end of the stream.</summary>
    public async Task<IReadOnlyList<string>> ReadToEndAsync(CancellationToken ct)
    {
        int read;
        while ((read = await stream.ReadAsync(_buffer, ct)) > 0)
        {
            _received.Append(Encoding.UTF8.GetString(_buffer, 0, read));
        }

        return Events;
    }
}
