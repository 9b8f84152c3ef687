using System.Buffers;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>The start of an event stream, read up to the end of its first event that carries data.</summary>
/// <param name="Bytes">Everything read from the stream so far, to be replayed before the rest.</param>
/// <param name="FirstData">The first event's data (its <c>data:</c> lines joined), or null at the end of the stream.</param>
internal sealed record ServerSentEventHead(ReadOnlyMemory<byte> Bytes, ReadOnlyMemory<byte>? FirstData)
{
    private const int MaxHeadBytes = 64 * 1024;

    public static async Task<ServerSentEventHead> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var scanned = 0;
        var data = new List<byte>();
        var hasData = false;
        while (true)
        {
            var read = await body.ReadAsync(buffer.GetMemory(1024), cancellationToken).ConfigureAwait(false);
            buffer.Advance(read);
            var atEnd = read == 0;

            // Whole lines only: a '\r' at the very end may be the first half of "\r\n".
            while (NextLine(buffer.WrittenSpan[scanned..], atEnd) is var (length, terminator) && terminator > 0)
            {
                var line = buffer.WrittenSpan.Slice(scanned, length);
                scanned += length + terminator;
                if (line.IsEmpty)
                {
                    if (hasData)
                    {
                        return new ServerSentEventHead(buffer.WrittenMemory.ToArray(), data.ToArray());
                    }

                    continue;
                }

                if (line.StartsWith("data:"u8))
                {
                    var value = line[5..];
                    value = value.StartsWith(" "u8) ? value[1..] : value;
                    if (hasData)
                    {
                        data.Add((byte)'\n');
                    }

                    data.AddRange(value);
                    hasData = true;
                }
            }

            if (atEnd || buffer.WrittenCount > MaxHeadBytes)
            {
                // The end, or nothing but comments for a long while: nothing to look at before the stream is read as usual.
                return new ServerSentEventHead(buffer.WrittenMemory.ToArray(), hasData && atEnd ? data.ToArray() : (ReadOnlyMemory<byte>?)null);
            }
        }
    }

    // The next line's length and its terminator's (0 when the line is not whole yet).
    private static (int Length, int Terminator) NextLine(ReadOnlySpan<byte> text, bool atEnd)
    {
        var end = text.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            return (0, 0);
        }

        if (text[end] == '\n')
        {
            return (end, 1);
        }

        if (end + 1 < text.Length)
        {
            return (end, text[end + 1] == '\n' ? 2 : 1);
        }

        return atEnd ? (end, 1) : (0, 0);
    }
}

/// <summary>
/// Passes an event stream through and fails it once one event (the bytes between two blank lines) grows past
/// <c>limit</c>: a provider's stream is never buffered whole, and no single event may fill the memory either.
/// </summary>
internal sealed class EventSizeLimitStream(Stream inner, long limit, Func<Exception?, Exception> tooLarge) : ReadOnlyForwardStream
{
    private long _eventBytes;
    private bool _lineEmpty = true;
    private bool _afterCarriageReturn;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Count(buffer.AsSpan(offset, read));
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private void Count(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == '\n' && _afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                continue;
            }

            _afterCarriageReturn = b == '\r';
            if (b is (byte)'\r' or (byte)'\n')
            {
                if (_lineEmpty)
                {
                    _eventBytes = 0;
                }

                _lineEmpty = true;
                continue;
            }

            _lineEmpty = false;
            if (++_eventBytes > limit)
            {
                throw tooLarge(null);
            }
        }
    }
}

/// <summary>Bytes already read from a stream, then the rest of it.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyForwardStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty)
        {
            return rest.ReadAsync(buffer, cancellationToken);
        }

        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer.Span);
        _prefix = _prefix[n..];
        return ValueTask.FromResult(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_prefix.IsEmpty)
        {
            return rest.Read(buffer, offset, count);
        }

        var n = Math.Min(count, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer.AsSpan(offset));
        _prefix = _prefix[n..];
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => rest.DisposeAsync();
}

/// <summary>What every stream here shares: read forward only, never written, sought or measured.</summary>
internal abstract class ReadOnlyForwardStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
