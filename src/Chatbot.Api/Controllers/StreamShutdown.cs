using System.Runtime.CompilerServices;
using Chatbot.Api.ErrorHandling;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Controllers;

/// <summary>
/// SHUTDOWN_TIMEOUT for answer streams. When it runs out, Kestrel aborts the connections still open: a stream would
/// stop mid-way with no word why, and be logged as a 200 like any other. So a stream still reading its provider a
/// little before then is cut here instead: the upstream call is cancelled, the stream ends with <c>event: error</c>
/// carrying a 503 (or answers 503 when nothing was sent yet), and one warning says it was cut by shutdown.
/// </summary>
public sealed partial class StreamShutdown : IDisposable
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromSeconds(1);
    private static readonly object CutMarker = new();

    private readonly CancellationTokenSource _cut = new();
    private readonly CancellationTokenRegistration _stopping;

    public StreamShutdown(IHostApplicationLifetime lifetime, IOptions<HostOptions> host)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(host);
        ShutdownTimeout = host.Value.ShutdownTimeout;
        var cutAfter = CutAfter(ShutdownTimeout);
        _stopping = lifetime.ApplicationStopping.Register(() => _cut.CancelAfter(cutAfter));
    }

    public TimeSpan ShutdownTimeout { get; }

    /// <summary>
    /// How long after the stop begins open streams are cut: the shutdown timeout less a fifth of it, at most a second,
    /// which leaves them the time to write their last event before Kestrel aborts the connections.
    /// </summary>
    public static TimeSpan CutAfter(TimeSpan shutdownTimeout) =>
        shutdownTimeout == Timeout.InfiniteTimeSpan
            ? Timeout.InfiniteTimeSpan
            : shutdownTimeout - TimeSpan.FromTicks(Math.Min(shutdownTimeout.Ticks / 5, MaxMargin.Ticks));

    /// <summary>One stream of this request: pass <see cref="OpenStream.Token"/> to the provider and read it through <see cref="OpenStream.Read{T}"/>.</summary>
    public static OpenStream Open(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shutdown = context.RequestServices.GetRequiredService<StreamShutdown>();
        var logger = context.RequestServices.GetRequiredService<ILogger<StreamShutdown>>();
        return new OpenStream(context, shutdown, logger);
    }

    /// <summary>Whether this request's stream was cut by shutdown (its request log line is then a warning).</summary>
    public static bool WasCut(HttpContext context) =>
        context?.Items.TryGetValue(CutMarker, out var cut) == true && cut is true;

    public void Dispose()
    {
        _stopping.Dispose();
        _cut.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The stream {Method} {Path} was cut by shutdown: SHUTDOWN_TIMEOUT ({Seconds} s) was running out; it ends with a 503 error, after {Pieces} piece(s)")]
    private static partial void LogCut(ILogger logger, string method, string path, double seconds, int pieces);

    /// <summary>A stream in progress: cancelled when its client goes away or when shutdown cuts it.</summary>
    public sealed class OpenStream : IDisposable
    {
        private readonly HttpContext _context;
        private readonly StreamShutdown _shutdown;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _linked;

        internal OpenStream(HttpContext context, StreamShutdown shutdown, ILogger logger)
        {
            _context = context;
            _shutdown = shutdown;
            _logger = logger;
            _linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown._cut.Token);
        }

        public CancellationToken Token => _linked.Token;

        /// <summary>
        /// The pieces as they come; once shutdown has cut the stream, whatever the provider's call then throws becomes
        /// a <see cref="StreamCutByShutdownException"/> (a 503), logged once.
        /// </summary>
        public async IAsyncEnumerable<T> Read<T>(IAsyncEnumerable<T> pieces, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(pieces);
            var read = 0;
            await using var enumerator = pieces.GetAsyncEnumerator(Token);
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync();
                }
                catch (Exception ex) when (IsCut)
                {
                    _context.Items[CutMarker] = true;
                    LogCut(_logger, _context.Request.Method, _context.Request.Path, _shutdown.ShutdownTimeout.TotalSeconds, read);
                    throw new StreamCutByShutdownException(ex);
                }

                if (!more)
                {
                    yield break;
                }

                read++;
                yield return enumerator.Current;
            }
        }

        public void Dispose() => _linked.Dispose();

        // Cut by shutdown, not left by its client (then there is nobody to tell).
        private bool IsCut => _shutdown._cut.IsCancellationRequested && !_context.RequestAborted.IsCancellationRequested;
    }
}
