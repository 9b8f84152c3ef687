using System.Net.Sockets;

namespace Chatbot.ClientTests;

/// <summary>
/// The generated client against the service asking a fake OpenAI-compatible upstream: each provider failure comes
/// back as a typed exception with the status and problem details the service's contract promises.
/// </summary>
public sealed class ProviderErrorClientTests
{
    private FakeProviderServer _fake = null!;
    private ApiServer _api = null!;
    private HttpClient _http = null!;
    private ChatbotApiClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _fake = await FakeProviderServer.StartAsync();
        _api = ApiServer.StartFor(_fake);
        _http = _api.NewHttpClient();
        _client = new ChatbotApiClient(_http);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [SetUp]
    public void ResetFake() => _fake.Reset();

    [Test]
    public async Task The_upstream_answer_comes_back_typed()
    {
        var answer = await _client.QuestionAsync(new QuestionRequest { Text = "over the wire" });

        answer.Text.Should().Be(FakeResponse.DefaultAnswerPrefix + "over the wire");
    }

    [Test]
    [ProvokesStatus(401)]
    public async Task Rejected_credentials_are_a_typed_problem_401()
    {
        _fake.Default = FakeResponse.WithStatus(401);

        var exception = await AskExpectingProblemAsync();

        exception.ShouldCarryProblem(401, "Authentication failed with LLM provider");
        _fake.ChatCompletionCalls.Should().Be(1, "a 401 is not retried");
    }

    [Test]
    [ProvokesStatus(429)]
    public async Task Rate_limiting_after_the_retries_is_a_typed_problem_429_with_retry_after()
    {
        _fake.Default = FakeResponse.RateLimited(7);

        var exception = await AskExpectingProblemAsync();

        exception.ShouldCarryProblem(429, "Rate limit exceeded, please try again later");
        exception.Headers.Should().ContainKey("Retry-After").WhoseValue.Should().Equal("7");
        _fake.ChatCompletionCalls.Should().Be(3, "429 is retried up to LLM_MAX_ATTEMPTS");
    }

    [Test]
    [ProvokesStatus(502)]
    public async Task An_unusable_upstream_answer_is_a_typed_problem_502()
    {
        _fake.Default = FakeResponse.Raw("this is not json");

        var exception = await AskExpectingProblemAsync();

        exception.ShouldCarryProblem(502, "Invalid response from LLM provider");
    }

    [Test]
    [ProvokesStatus(503)]
    public async Task An_unreachable_upstream_is_a_typed_problem_503()
    {
        await using var api = ApiServer.StartFor(_fake, ("LLM_BASE_URL", $"http://127.0.0.1:{ClosedPort()}/v1"));
        using var http = api.NewHttpClient();

        var exception = await AskExpectingProblemAsync(new ChatbotApiClient(http));

        exception.ShouldCarryProblem(503, "LLM provider is unavailable, please try again later");
    }

    [Test]
    [ProvokesStatus(504)]
    public async Task An_upstream_slower_than_the_timeout_is_a_typed_problem_504()
    {
        await using var api = ApiServer.StartFor(_fake, ("REQUEST_TIMEOUT", "0.2"), ("LLM_MAX_ATTEMPTS", "1"));
        using var http = api.NewHttpClient();
        _fake.Default = FakeResponse.Hang();

        var exception = await AskExpectingProblemAsync(new ChatbotApiClient(http));

        exception.ShouldCarryProblem(504, "LLM provider did not respond in time");
    }

    private async Task<ApiException<ProblemDetails>> AskExpectingProblemAsync(ChatbotApiClient? client = null)
    {
        var call = () => (client ?? _client).QuestionAsync(new QuestionRequest { Text = "hi" });

        return (await call.Should().ThrowExactlyAsync<ApiException<ProblemDetails>>()).Which;
    }

    private static int ClosedPort()
    {
        // Bind a port, then release it: nothing listens there afterwards.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
