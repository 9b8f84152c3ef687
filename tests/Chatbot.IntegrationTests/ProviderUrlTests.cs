namespace Chatbot.IntegrationTests;

/// <summary>
/// Each provider's base URL shape, served on loopback: the call reaches exactly {base}/chat/completions
/// with the bearer key (the SDK drops the last path segment if the URL is not split with care).
/// </summary>
public sealed class ProviderUrlTests
{
    private FakeProviderServer _fake = null!;

    [OneTimeSetUp]
    public async Task StartFake() => _fake = await FakeProviderServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopFake() => await _fake.DisposeAsync();

    [SetUp]
    public void ResetFake() => _fake.Reset();

    [TestCase("v1", TestName = "OpenAI /v1")]
    [TestCase("v1/", TestName = "OpenAI /v1 with trailing slash")]
    [TestCase("openai/v1", TestName = "Groq /openai/v1")]
    [TestCase("openai/v1/", TestName = "Groq /openai/v1 with trailing slash")]
    [TestCase("v1beta/openai", TestName = "Gemini /v1beta/openai")]
    [TestCase("v1beta/openai/", TestName = "Gemini /v1beta/openai with trailing slash")]
    [TestCase("", TestName = "LocalAI at the root")]
    public async Task The_call_reaches_base_url_plus_chat_completions(string basePath)
    {
        var baseUrl = _fake.BaseUrl + basePath;
        var expectedPath = "/" + basePath.TrimEnd('/') + (basePath.Length > 0 ? "/" : string.Empty) + "chat/completions";
        await using var factory = ApiFactory.For(_fake, ("LLM_BASE_URL", baseUrl), ("LLM_API_KEY", "key-for-" + basePath.Replace('/', '-')));
        using var client = factory.CreateClient();

        var response = await client.AskAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var received = _fake.Received.Should().ContainSingle().Subject;
        received.Method.Should().Be("POST");
        received.Path.Should().Be(expectedPath);
        received.Headers["authorization"].Should().Be("Bearer key-for-" + basePath.Replace('/', '-'));
    }

    [TestCase("http://localhost:{0}/v1", "/v1/chat/completions", TestName = "Ollama http://localhost:PORT/v1")]
    [TestCase("http://127.0.0.1:{0}/v1", "/v1/chat/completions", TestName = "Mistral-shaped /v1 by IP")]
    [TestCase("http://localhost:{0}", "/chat/completions", TestName = "no path at all")]
    public async Task Host_names_and_ports_are_kept(string template, string expectedPath)
    {
        var baseUrl = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, _fake.Port);
        await using var factory = ApiFactory.For(_fake, ("LLM_BASE_URL", baseUrl));
        using var client = factory.CreateClient();

        var response = await client.AskAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _fake.Received.Should().ContainSingle().Which.Path.Should().Be(expectedPath);
    }
}
