using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Chatbot.Infrastructure;
using Chatbot.Infrastructure.Providers;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chatbot.UnitTests.TestSupport;

/// <summary>
/// The infrastructure exactly as <c>AddInfrastructure</c> wires it, over in-memory configuration, with the
/// network replaced by a <see cref="ScriptedHttpMessageHandler"/> when one is given.
/// </summary>
public sealed class InfrastructureHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private InfrastructureHost(ServiceProvider services) => _services = services;

    /// <summary>Settings for talking to a scripted upstream: no waits between retries, three attempts.</summary>
    public static IReadOnlyDictionary<string, string?> UpstreamDefaults { get; } = new Dictionary<string, string?>
    {
        ["LLM_PROVIDER"] = "openai",
        ["LLM_BASE_URL"] = "http://127.0.0.1:1/v1",
        ["LLM_API_KEY"] = "sk-test-key-1234",
        ["LLM_RETRY_BASE_DELAY"] = "0",
        ["LLM_RETRY_MAX_DELAY"] = "0",
        ["REQUEST_TIMEOUT"] = "5",
        ["LLM_MAX_ATTEMPTS"] = "3",
    };

    public IServiceProvider Services => _services;

    public LlmOptions Options => _services.GetRequiredService<IOptions<LlmOptions>>().Value;

    public IChatCompletionProvider Provider => _services.GetRequiredService<IChatCompletionProvider>();

    /// <summary>The named client the OpenAI-compatible adapter uses, with its whole handler pipeline.</summary>
    public HttpClient CreateProviderClient() =>
        _services.GetRequiredService<RouteProviders>().ClientFor(_services.GetRequiredService<IOptions<RouteTable>>().Value.Default);

    /// <summary>Only <paramref name="settings"/>, nothing else set.</summary>
    public static InfrastructureHost Create(
        IEnumerable<KeyValuePair<string, string?>> settings,
        ScriptedHttpMessageHandler? upstream = null,
        TimeProvider? timeProvider = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddInfrastructure(Chatbot.Infrastructure.Configuration.ServiceSettings.Read(configuration));
        if (upstream is not null)
        {
            services.AddSingleton(new ProviderPrimaryHandler(() => upstream));
        }

        return new InfrastructureHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
    }

    /// <summary><see cref="UpstreamDefaults"/> with <paramref name="overrides"/> on top, over a scripted upstream.</summary>
    public static InfrastructureHost ForUpstream(
        ScriptedHttpMessageHandler upstream,
        IReadOnlyDictionary<string, string?>? overrides = null,
        TimeProvider? timeProvider = null)
    {
        var settings = new Dictionary<string, string?>(UpstreamDefaults);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return Create(settings, upstream, timeProvider);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>A clock that always reads the same instant.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
