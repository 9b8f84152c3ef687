namespace Chatbot.IntegrationTests;

/// <summary>What reaches the provider, read from the JSON the fake upstream received.</summary>
public sealed class ProviderRequestTests
{
    private FakeProviderServer _fake = null!;

    [OneTimeSetUp]
    public async Task StartFake() => _fake = await FakeProviderServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopFake() => await _fake.DisposeAsync();

    [SetUp]
    public void ResetFake() => _fake.Reset();

    private async Task<JsonElement> AskAndReadUpstreamBody(params (string, string)[] settings)
    {
        await using var factory = ApiFactory.For(_fake, settings);
        using var client = factory.CreateClient();

        var response = await client.AskAsync("What is 2+2?");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()
            .Should().Be("Fake answer to: What is 2+2?");
        _fake.ChatCompletionCalls.Should().Be(1);
        return _fake.Received.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).BodyJson;
    }

    [Test]
    public async Task Model_temperature_and_the_question_are_sent()
    {
        var body = await AskAndReadUpstreamBody(("LLM_TEMPERATURE", "1.3"));

        body.GetProperty("model").GetString().Should().Be(ApiFactory.Model);
        body.GetProperty("temperature").GetDouble().Should().BeApproximately(1.3, 1e-6);
        var messages = body.GetProperty("messages");
        messages.GetArrayLength().Should().Be(1);
        messages[0].GetProperty("role").GetString().Should().Be("user");
        messages[0].GetProperty("content").GetString().Should().Be("What is 2+2?");
    }

    [Test]
    public async Task Max_tokens_is_not_sent_when_unset()
    {
        var body = await AskAndReadUpstreamBody();

        body.TryGetProperty("max_tokens", out _).Should().BeFalse();
        body.TryGetProperty("max_completion_tokens", out _).Should().BeFalse();
    }

    [Test]
    public async Task Max_tokens_is_sent_when_set()
    {
        var body = await AskAndReadUpstreamBody(("LLM_MAX_TOKENS", "256"));

        body.GetProperty("max_tokens").GetInt32().Should().Be(256);
    }

    [Test]
    public async Task System_prompt_is_the_first_message_when_set()
    {
        var body = await AskAndReadUpstreamBody(("LLM_SYSTEM_PROMPT", "You are terse."));

        var messages = body.GetProperty("messages");
        messages.GetArrayLength().Should().Be(2);
        messages[0].GetProperty("role").GetString().Should().Be("system");
        messages[0].GetProperty("content").GetString().Should().Be("You are terse.");
        messages[1].GetProperty("role").GetString().Should().Be("user");
    }

    [Test]
    public async Task Empty_system_prompt_sends_no_system_message()
    {
        var body = await AskAndReadUpstreamBody(("LLM_SYSTEM_PROMPT", ""));

        var messages = body.GetProperty("messages");
        messages.GetArrayLength().Should().Be(1);
        messages[0].GetProperty("role").GetString().Should().Be("user");
    }

    [Test]
    public async Task Temperature_zero_is_sent_not_dropped()
    {
        var body = await AskAndReadUpstreamBody(("LLM_TEMPERATURE", "0"));

        body.GetProperty("temperature").GetDouble().Should().Be(0);
    }
}
