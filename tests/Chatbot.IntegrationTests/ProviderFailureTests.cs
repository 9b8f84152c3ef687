using Chatbot.Application.Abstractions;
using Chatbot.Domain.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.IntegrationTests;

/// <summary>Answers the service cannot use, and providers that cannot be reached: the right status, nothing internal.</summary>
public sealed class ProviderFailureTests : FakeUpstreamFixture
{
    private const string InvalidResponse = "Invalid response from LLM provider";


    private static IEnumerable<TestCaseData> UnusableAnswers()
    {
        yield return new TestCaseData(FakeResponse.Raw("""{"id":"x","object":"chat.completion","model":"m","choices":[]}""", "application/json")).SetName("no choices");
        yield return new TestCaseData(FakeResponse.Raw("""{"id":"x","object":"chat.completion","model":"m"}""", "application/json")).SetName("choices missing");
        yield return new TestCaseData(FakeResponse.Raw("""{"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"stop"}]}""", "application/json")).SetName("null content");
        yield return new TestCaseData(FakeResponse.Completion(string.Empty)).SetName("empty content");
        yield return new TestCaseData(FakeResponse.Raw("this is not json", "application/json")).SetName("not JSON, labelled JSON");
        yield return new TestCaseData(FakeResponse.Raw("null", "application/json")).SetName("JSON null");
        yield return new TestCaseData(FakeResponse.Raw("<html><body><h1>Bad Gateway</h1></body></html>", "text/html")).SetName("HTML page");
        yield return new TestCaseData(FakeResponse.Raw("""{"error":{"message":"boom","type":"server_error","code":123}}""", "application/json")).SetName("error with numeric code");
        yield return new TestCaseData(FakeResponse.Raw("""[{"error":{"message":"boom"}}]""", "application/json")).SetName("error as a JSON array");
        yield return new TestCaseData(FakeResponse.Raw("""{"error":"plain text error"}""", "application/json")).SetName("error as a string");
        yield return new TestCaseData(FakeResponse.WithStatus(400, """{"error":{"message":"bad","code":400}}""")).SetName("400 with numeric code");
        yield return new TestCaseData(FakeResponse.WithStatus(404, """[{"error":"no such model"}]""")).SetName("404 with a JSON array");
        yield return new TestCaseData(FakeResponse.WithStatus(403, "forbidden", "text/plain")).SetName("403 as plain text");
        yield return new TestCaseData(FakeResponse.WithStatus(500, "<html>oops</html>", "text/html")).SetName("500 HTML page every time");
    }

    [TestCaseSource(nameof(UnusableAnswers))]
    public async Task Unusable_answers_are_502(FakeResponse answer)
    {
        Fake.Default = answer;

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, InvalidResponse);
    }

    [Test]
    public async Task Unauthorized_with_a_body_the_sdk_cannot_parse_is_still_401()
    {
        Fake.Default = FakeResponse.WithStatus(401, """{"error":{"message":"bad key","code":401}}""");

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authentication failed with LLM provider");
    }

    [Test]
    public async Task Provider_not_listening_is_503()
    {
        var closedPort = await ClosedPortAsync();
        await using var factory = ApiFactory.For(Fake, ("LLM_BASE_URL", $"http://127.0.0.1:{closedPort}/v1"));
        using var client = factory.CreateClient();

        var response = await client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Test]
    public async Task Provider_slower_than_the_timeout_is_504_after_max_attempts()
    {
        await using var factory = ApiFactory.For(Fake, ("REQUEST_TIMEOUT", "0.2"), ("LLM_MAX_ATTEMPTS", "2"));
        using var client = factory.CreateClient();
        Fake.Default = FakeResponse.Completion("too late") with { Delay = TimeSpan.FromSeconds(10) };

        var response = await client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.GatewayTimeout);
        Fake.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task Anything_unexpected_is_500_without_details()
    {
        await using var factory = new ApiFactory(
            ApiFactory.SettingsFor(Fake),
            services => services.AddSingleton<IRouteProviders>(new EveryRoute(new BrokenProvider())));
        using var client = factory.CreateClient();

        var response = await client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "Internal server error occurred");
        (await response.Content.ReadAsStringAsync()).Should().NotContain("secret internal detail");
    }

    private static async Task<int> ClosedPortAsync()
    {
        // Bind a port, then release it: nothing listens there afterwards.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await Task.Yield();
        return port;
    }

    private sealed class EveryRoute(IChatCompletionProvider provider) : IRouteProviders
    {
        public IChatCompletionProvider For(Chatbot.Application.Options.ChatRoute route) => provider;
    }

    private sealed class BrokenProvider : IChatCompletionProvider
    {
        public ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("secret internal detail " + ApiFactory.ApiKey);
    }
}
