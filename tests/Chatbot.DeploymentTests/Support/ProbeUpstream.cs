using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// A tiny upstream on 127.0.0.1 for what the API cannot show from outside:
/// <c>GET</c> answers with the id of the TCP connection it came on (keep-alive to the upstream is visible), and
/// <c>POST</c> answers a server-sent-event stream whose first event is written at once and whose end waits for
/// <see cref="ReleaseStream"/> (so "the first event arrived before the upstream finished" is an order, not a timing).
/// </summary>
public sealed class ProbeUpstream : IAsyncDisposable
{
    public const string FirstEvent = "data: {\"piece\":\"first\"}\n\n";
    public const string LastEvent = "data: {\"piece\":\"last\"}\n\ndata: [DONE]\n\n";

    private readonly WebApplication _app;
    private TaskCompletionSource _release = NewSignal();
    private int _streamsCompleted;

    private ProbeUpstream(WebApplication app) => _app = app;

    public string Address { get; private set; } = string.Empty;

    /// <summary>Streams that wrote their last event.</summary>
    public int StreamsCompleted => Volatile.Read(ref _streamsCompleted);

    public static async Task<ProbeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var probe = new ProbeUpstream(app);
        app.Run(probe.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        probe.Address = new Uri(address).Authority;
        return probe;
    }

    /// <summary>Lets the streams in progress write their last event.</summary>
    public void ReleaseStream() => Interlocked.Exchange(ref _release, NewSignal()).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        _release.TrySetCanceled();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task HandleAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"connection={context.Connection.Id}"));
            return;
        }

        var release = Volatile.Read(ref _release).Task;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(FirstEvent), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await release.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(LastEvent), context.RequestAborted);
        Interlocked.Increment(ref _streamsCompleted);
    }
}
