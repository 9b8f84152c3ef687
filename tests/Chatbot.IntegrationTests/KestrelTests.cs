namespace Chatbot.IntegrationTests;

/// <summary>The API on real Kestrel (not the in-memory test server), talking HTTP to the fake upstream.</summary>
public sealed class KestrelTests
{
    private FakeProviderServer _fake = null!;
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _fake = await FakeProviderServer.StartAsync();
        _factory = ApiFactory.For(_fake);
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [SetUp]
    public void ResetFake() => _fake.Reset();

    [Test]
    public async Task A_question_travels_over_real_sockets_both_ways()
    {
        _client.BaseAddress!.IsLoopback.Should().BeTrue();
        _client.BaseAddress.Port.Should().NotBe(80, "Kestrel listens on a real port");

        var response = await _client.AskAsync("over the wire");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Fake answer to: over the wire");
        response.Headers.Contains("X-Process-Time").Should().BeTrue();
    }

    [Test]
    public async Task A_body_over_64_KiB_is_413()
    {
        var body = """{"text":"hi","padding":""" + "\"" + new string('x', 70 * 1024) + "\"}";

        var response = await _client.PostAsync("/question", Problems.Json(body));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        _fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task A_chunked_body_over_64_KiB_is_413()
    {
        var body = """{"text":"hi","padding":""" + "\"" + new string('x', 70 * 1024) + "\"}";
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/question") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task A_provider_failure_over_real_sockets_keeps_its_status()
    {
        _fake.Default = FakeResponse.WithStatus(401);

        var response = await _client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authentication failed with LLM provider");
    }
}
