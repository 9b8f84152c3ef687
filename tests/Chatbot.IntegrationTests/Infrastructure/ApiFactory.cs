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
    public static Dictionary<string, string> SettingsFor(FakeProviderServer fake, params (string Key, string Value)[] overrides) =>
        fake.ServiceSettings(ApiKey, Model, overrides);

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
