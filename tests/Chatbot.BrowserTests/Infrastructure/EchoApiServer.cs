using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Chatbot.BrowserTests.Infrastructure;

/// <summary>The API on real Kestrel (a loopback port of its own) with the offline echo provider, for a browser to open.</summary>
public sealed class EchoApiServer : WebApplicationFactory<Program>
{
    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    public static EchoApiServer Start()
    {
        var server = new EchoApiServer();
        server.UseKestrel(0);
        server.StartServer();

        // The factory's own client knows the address Kestrel bound.
        using var client = server.CreateClient();
        server.Address = client.BaseAddress!;
        return server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("LLM_PROVIDER", "echo");
}
