using System.Diagnostics;
using System.Globalization;

namespace Chatbot.Api.Diagnostics;

/// <summary>
/// Adds <c>X-Process-Time</c> (seconds), <c>X-Memory-Used</c> (MB) and <c>X-Memory-Delta</c> (MB) to every
/// response, errors and 404s included, as the original service did. Memory figures come from
/// <see cref="ProcessMemorySampler"/>, so the delta is the change seen between the samples around the request.
/// </summary>
public sealed class PerformanceHeadersMiddleware(RequestDelegate next, ProcessMemorySampler memory)
{
    public const string ProcessTimeHeader = "X-Process-Time";
    public const string MemoryUsedHeader = "X-Memory-Used";
    public const string MemoryDeltaHeader = "X-Memory-Delta";

    public Task InvokeAsync(HttpContext context)
    {
        var state = new RequestState(context, memory, Stopwatch.GetTimestamp(), memory.Current);
        context.Response.OnStarting(static s => ((RequestState)s).WriteHeaders(), state);
        return next(context);
    }

    private sealed class RequestState(HttpContext context, ProcessMemorySampler memory, long startedAt, MemorySample before)
    {
        public Task WriteHeaders()
        {
            var headers = context.Response.Headers;
            var now = memory.Current;
            headers[ProcessTimeHeader] = Stopwatch.GetElapsedTime(startedAt).TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture);
            headers[MemoryUsedHeader] = now.Megabytes;
            headers[MemoryDeltaHeader] = now.MegabytesSince(before);
            return Task.CompletedTask;
        }
    }
}
