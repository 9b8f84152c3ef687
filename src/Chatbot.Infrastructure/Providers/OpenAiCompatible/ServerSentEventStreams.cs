using System.Buffers;
using System.Net.ServerSentEvents;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>The start of an event stream, read up to the end of its first event that carries data.</summary>
/// <param name="Bytes">Everything read from the stream so far, to be replayed before the rest.</param>
/// <param name="FirstData">The first event's data (its <c>data:</c> lines joined), or null when there is none to look at.</param>
internal sealed record ServerSentEventHead(ReadOnlyMemory<byte> Bytes, ReadOnlyMemory<byte>? FirstData)
{
    private const int MaxHeadBytes = 64 * 1024;

    /// <summary>
    /// Reads with the framework's <see cref="SseParser"/> over a stream that keeps every byte it hands out, so that
    /// nothing the parser read ahead is lost. Nothing but comments for <c>MaxHeadBytes</c>: there is no head to look at.
    /// </summary>
    public static async Task<ServerSentEventHead> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        var recording = new RecordingStream(body, MaxHeadBytes);
        ReadOnlyMemory<byte>? firstData = null;
        try
        {
            await foreach (var item in SseParser.Create(recording, static (_, data) => data.ToArray())
                .EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                firstData = item.Data;
                break;
            }
        }
        catch (HeadTooLongException)
        {
        }

        return new ServerSentEventHead(recording.Recorded, firstData);
    }

    private sealed class HeadTooLongException : Exception;

    /// <summary>
    /// Passes a stream through and keeps what it read, up to a bound; the stream itself stays open. At its end it adds
    /// one blank line, not kept: a last event the provider did not end with one is still looked at (an error, say).
    /// </summary>
    private sealed class RecordingStream(Stream inner, int maxBytes) : ForwardReadStream(inner, ownsInner: false)
    {
        private readonly ArrayBufferWriter<byte> _recorded = new(1024);
        private bool _ended;

        public ReadOnlyMemory<byte> Recorded => _recorded.WrittenMemory;

        public override int Read(Span<byte> buffer) => Record(buffer, Inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Record(buffer.Span, read);
        }

        private int Record(Span<byte> buffer, int read)
        {
            if (read == 0)
            {
                if (_ended || buffer.Length < 2)
                {
                    return 0;
                }

                _ended = true;
                "\n\n"u8.CopyTo(buffer);
                return 2;
            }

            _recorded.Write(buffer[..read]);
            return _recorded.WrittenCount > maxBytes ? throw new HeadTooLongException() : read;
        }
    }
}

/// <summary>
/// Passes an event stream through and fails it once one event (the bytes between two blank lines) grows past
/// <c>limit</c>: a provider's stream is never buffered whole, and no single event may fill the memory either.
/// </summary>
internal sealed class EventSizeLimitStream(Stream inner, long limit, Func<Exception?, Exception> tooLarge) : ForwardReadStream(inner)
{
    private long _eventBytes;
    private bool _lineEmpty = true;
    private bool _afterCarriageReturn;

    public override int Read(Span<byte> buffer) => Count(buffer[..Inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(buffer.Span[..read]);
    }

    private int Count(ReadOnlySpan<byte> bytes)
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

        return bytes.Length;
    }
}

/// <summary>Bytes already read from a stream, then the rest of it.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardReadStream(rest)
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(Span<byte> buffer) => _prefix.IsEmpty ? Inner.Read(buffer) : TakePrefix(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _prefix.IsEmpty ? Inner.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(TakePrefix(buffer.Span));

    private int TakePrefix(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
}

/// <summary>
/// What every stream here shares: it reads forward from an inner stream (disposed with it unless told otherwise) and
/// is never written, sought or measured. Subclasses say how a read goes, once for spans and once for memory.
/// </summary>
internal abstract class ForwardReadStream(Stream inner, bool ownsInner = true) : Stream
{
    protected Stream Inner { get; } = inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override int Read(Span<byte> buffer);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ownsInner ? Inner.DisposeAsync() : ValueTask.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
