namespace Chatbot.IntegrationTests;

/// <summary>The API on real Kestrel (not the in-memory test server), talking HTTP to the fake upstream.</summary>
public sealed class KestrelTests : FakeUpstreamFixture
{

    protected override bool OnKestrel => true;

    [Test]
    public async Task A_question_travels_over_real_sockets_both_ways()
    {
        Client.BaseAddress!.IsLoopback.Should().BeTrue();
        Client.BaseAddress.Port.Should().NotBe(80, "Kestrel listens on a real port");

        var response = await Client.AskAsync("over the wire");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Fake answer to: over the wire");
        response.Headers.Contains("X-Process-Time").Should().BeTrue();
    }

    [Test]
    public async Task A_body_over_64_KiB_is_413()
    {
        var body = """{"text":"hi","padding":""" + "\"" + new string('x', 70 * 1024) + "\"}";

        var response = await Client.PostAsync("/question", Problems.Json(body));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task A_chunked_body_over_64_KiB_is_413()
    {
        var body = """{"text":"hi","padding":""" + "\"" + new string('x', 70 * 1024) + "\"}";
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/question") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task A_provider_failure_over_real_sockets_keeps_its_status()
    {
        Fake.Default = FakeResponse.WithStatus(401);

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authentication failed with LLM provider");
    }
}
