using System.Net.Http.Headers;
using System.Text;
using Chatbot.FakeProvider;

namespace Chatbot.DeploymentTests;

/// <summary>
/// Streaming through nginx: client → nginx → two API processes (openai adapter) → the fake OpenAI-compatible provider,
/// which streams a completion piece by piece. The provider's stream never ends by itself here unless the test says
/// so, so "the first event arrived before the upstream finished" is an order of events, not a timing.
/// </summary>
public sealed class NginxStreamingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private FakeProviderServer _fake = null!;
    private ApiProcess _a = null!;
    private ApiProcess _b = null!;
    private NginxProcess _nginx = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        NginxProcess.RequireInstalled();
        _fake = await FakeProviderServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["LLM_BASE_URL"] = new Uri(_fake.BaseUrl, "v1").ToString(),
            ["LLM_API_KEY"] = "test-key",
            ["LLM_MODEL"] = "gpt-test",
            ["LLM_MAX_ATTEMPTS"] = "1",
        };
        _a = await ApiProcess.StartAsync(environment);
        _b = await ApiProcess.StartAsync(environment);
        _nginx = await NginxProcess.StartAsync(_a.BaseAddress.Authority, _b.BaseAddress.Authority);
        _client = _nginx.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client?.Dispose();
        foreach (var process in new IAsyncDisposable?[] { _nginx, _a, _b, _fake })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
    }

    [SetUp]
    public void ResetProvider() => _fake.Reset();

    [TestCase("/question/stream", """{"text":"Tell me a story"}""")]
    [TestCase("/v1/chat/completions", """{"stream":true,"messages":[{"role":"user","content":"Tell me a story"}]}""")]
    public async Task The_first_streamed_event_reaches_the_client_while_the_provider_is_still_streaming(string path, string body)
    {
        // The provider sends its first piece, then waits until its client (the API) goes away.
        _fake.Default = new FakeResponse { Content = "Once upon a time", ChunkDelay = Timeout.InfiniteTimeSpan };
        using var cts = new CancellationTokenSource(Bound);

        var response = await _client.SendAsync(StreamRequest(path, body), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
            response.Content.Headers.ContentEncoding.Should().BeEmpty("a compressed stream would hold its events back");
            var sse = new Sse(await response.Content.ReadAsStreamAsync(cts.Token));

            await sse.ReadUntilAsync(e => e.Contains("Once", StringComparison.Ordinal), cts.Token);

            sse.Received.Should().NotContain("[DONE]").And.NotContain("upon");
            _fake.CancelledRequests.Should().Be(0, "the provider is still in the middle of its stream");
        }

        // The client leaves: nginx closes its upstream connection, the API cancels its call to the provider.
        (await _fake.WaitForCancellationAsync(Bound)).Should().BeTrue("the provider was still streaming when the first event arrived");
    }

    [Test]
    public async Task A_whole_stream_arrives_through_the_proxy_in_order()
    {
        _fake.Default = new FakeResponse { Content = "one two three", ChunkDelay = TimeSpan.FromMilliseconds(20) };
        using var cts = new CancellationTokenSource(Bound);

        using var response = await _client.SendAsync(StreamRequest("/question/stream", """{"text":"count"}"""), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var events = await new Sse(await response.Content.ReadAsStreamAsync(cts.Token)).ReadToEndAsync(cts.Token);

        events[^1].Should().Be("data: [DONE]");
        var pieces = events.SkipLast(1).Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("text").GetString());
        string.Concat(pieces).Should().Be("one two three");
        response.Headers.Contains("X-Content-Type-Options").Should().BeTrue();
    }

    private static HttpRequestMessage StreamRequest(string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        // A client that accepts gzip: the stream must still come plain.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        return request;
    }
}
