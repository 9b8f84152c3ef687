using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Chatbot.FakeProvider;

/// <summary>Starting and stopping a fake upstream's Kestrel app: the same for every fake.</summary>
internal static class LoopbackApp
{
    /// <summary>Starts <paramref name="app"/> and returns the address it listens on, with a trailing slash.</summary>
    public static async Task<Uri> StartAsync(WebApplication app, CancellationToken ct)
    {
        await app.StartAsync(ct).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First().TrimEnd('/') + "/");
    }

    /// <summary>Ends the requests still delaying or streaming (<paramref name="stopping"/>), then stops and disposes Kestrel.</summary>
    public static async Task StopAsync(WebApplication app, CancellationTokenSource stopping, TimeSpan timeout)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        using (var limit = new CancellationTokenSource(timeout))
        {
            try
            {
                await app.StopAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Took too long: disposal goes on.
            }
        }

        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }
}
