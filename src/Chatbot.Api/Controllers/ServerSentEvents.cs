using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace Chatbot.Api.Controllers;

/// <summary>Writing a <c>text/event-stream</c> answer: the headers, one JSON event at a time, flushed, then <c>[DONE]</c>.</summary>
public static class ServerSentEvents
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] ErrorPrefix = "event: error\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Sets the headers of an unbuffered event stream (nginx included: X-Accel-Buffering).</summary>
    public static void Start(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    public static Task WriteDataAsync<T>(HttpResponse response, T payload, CancellationToken cancellationToken) =>
        WriteAsync(response, DataPrefix, payload, typeInfo: null, cancellationToken);

    /// <summary>One event written with its source-generated <paramref name="typeInfo"/>.</summary>
    public static Task WriteDataAsync<T>(HttpResponse response, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        WriteAsync(response, DataPrefix, payload, typeInfo, cancellationToken);

    /// <summary>An <c>event: error</c>: how a failure travels once the headers are gone.</summary>
    public static Task WriteErrorAsync<T>(HttpResponse response, T payload, CancellationToken cancellationToken) =>
        WriteAsync(response, ErrorPrefix, payload, typeInfo: null, cancellationToken);

    public static async Task WriteDoneAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    // Without a type info, the web defaults' reflection metadata (ApiJson).
    private static async Task WriteAsync<T>(HttpResponse response, byte[] prefix, T payload, JsonTypeInfo<T>? typeInfo, CancellationToken cancellationToken)
    {
        var body = response.Body;
        await body.WriteAsync(prefix, cancellationToken);
        if (typeInfo is null)
        {
            await JsonSerializer.SerializeAsync(body, payload, ApiJson.Options, cancellationToken);
        }
        else
        {
            await JsonSerializer.SerializeAsync(body, payload, typeInfo, cancellationToken);
        }

        await body.WriteAsync(EventEnd, cancellationToken);
        await body.FlushAsync(cancellationToken);
    }
}
