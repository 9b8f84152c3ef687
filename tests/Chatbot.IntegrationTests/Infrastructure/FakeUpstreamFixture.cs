namespace Chatbot.IntegrationTests.Infrastructure;

/// <summary>
/// A fixture whose tests talk to one API instance configured against one fake upstream; the fake's script and
/// records are reset before each test.
/// </summary>
public abstract class FakeUpstreamFixture
{
    protected FakeProviderServer Fake { get; private set; } = null!;

    protected ApiFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Settings over <see cref="ApiFactory.SettingsFor"/>'s defaults.</summary>
    protected virtual (string Key, string Value)[] Settings => [];

    /// <summary>Serve the API on real Kestrel (a loopback port) instead of the in-memory test server.</summary>
    protected virtual bool OnKestrel => false;

    [OneTimeSetUp]
    public async Task StartFakeAndApi()
    {
        Fake = await FakeProviderServer.StartAsync();
        Factory = ApiFactory.For(Fake, Settings);
        if (OnKestrel)
        {
            Factory.UseKestrel(0);
            Factory.StartServer();
        }

        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopFakeAndApi()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Fake.DisposeAsync();
    }

    [SetUp]
    public void ResetFake() => Fake.Reset();
}
