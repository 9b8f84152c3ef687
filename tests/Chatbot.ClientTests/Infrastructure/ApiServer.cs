using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.ClientTests.Infrastructure;

/// <summary>
/// The API on real Kestrel (a loopback port of its own), configured with the same variables a user sets,
/// for the generated client to call over real sockets.
/// </summary>
public sealed class ApiServer : WebApplicationFactory<Program>
{
    public const string ApiKey = "sk-client-test-key-2468";

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    private ApiServer(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services)
    {
        _settings = settings;
        _services = services;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The offline echo provider: every question is answered <c>Echo: &lt;text&gt;</c>.</summary>
    public static ApiServer StartEcho(Action<IServiceCollection>? services = null) =>
        Start(new Dictionary<string, string>(StringComparer.Ordinal) { ["LLM_PROVIDER"] = "echo" }, services);

    /// <summary>The echo provider with these settings too (API_KEYS, RATE_LIMIT_PER_MINUTE, ...).</summary>
    public static ApiServer StartEcho(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal) { ["LLM_PROVIDER"] = "echo" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return Start(all, services: null);
    }

    /// <summary>The OpenAI-compatible adapter asking <paramref name="fake"/> under <c>/v1</c>, with quick retries.</summary>
    public static ApiServer StartFor(FakeProviderServer fake, params (string Key, string Value)[] overrides) =>
        Start(fake.ServiceSettings(ApiKey, "test-model", overrides), services: null);

    /// <summary>The native Anthropic adapter asking <paramref name="fake"/> for <paramref name="model"/>, with quick retries.</summary>
    public static ApiServer StartFor(FakeAnthropicServer fake, string model, params (string Key, string Value)[] overrides) =>
        Start(fake.ServiceSettings(ApiKey, model, overrides), services: null);

    /// <summary>
    /// An <see cref="HttpClient"/> over real sockets to this server, with <paramref name="handlers"/> in between;
    /// the caller disposes it.
    /// </summary>
    public HttpClient NewHttpClient(params DelegatingHandler[] handlers)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        foreach (var outer in handlers.Reverse())
        {
            outer.InnerHandler = handler;
            handler = outer;
        }

        return new HttpClient(handler) { BaseAddress = Address };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    private static ApiServer Start(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services)
    {
        var server = new ApiServer(settings, services);
        server.UseKestrel(0);
        server.StartServer();

        // The factory's own client knows the address Kestrel bound.
        using var client = server.CreateClient();
        server.Address = client.BaseAddress!;
        return server;
    }
}
