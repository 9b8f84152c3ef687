using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.IntegrationTests.Infrastructure;

/// <summary>The API in process, configured with the same variables a user sets, talking to a fake upstream.</summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string ApiKey = "sk-test-secret-key-9876";
    public const string Model = "test-model";

    /// <summary>Settings for an API that asks <paramref name="fake"/> under <c>/v1</c>, with quick retries.</summary>
    public static Dictionary<string, string> SettingsFor(FakeProviderServer fake, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LLM_PROVIDER"] = "openai",
            ["LLM_BASE_URL"] = new Uri(fake.BaseUrl, "v1").ToString(),
            ["LLM_API_KEY"] = ApiKey,
            ["LLM_MODEL"] = Model,
            ["LLM_TEMPERATURE"] = "0.7",
            ["REQUEST_TIMEOUT"] = "5",
            ["LLM_MAX_ATTEMPTS"] = "3",
            ["LLM_RETRY_BASE_DELAY"] = "0.001",
            ["LLM_RETRY_MAX_DELAY"] = "0.01",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static ApiFactory For(FakeProviderServer fake, params (string Key, string Value)[] overrides) =>
        new(SettingsFor(fake, overrides));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
