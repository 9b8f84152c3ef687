using System.Net.Http.Headers;
using System.Text;

namespace Chatbot.IntegrationTests;

/// <summary>
/// Several providers at once (<c>LLM_ROUTES_FILE</c>), against real HTTP on both sides: two fake OpenAI-compatible
/// upstreams and the fake Anthropic one. Routing by model, the default route, fallbacks and when they do not happen,
/// the upstream calls they cost, streams, circuit breakers and readiness.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class RoutingTests
{
    private const string PrimaryKey = "sk-routing-primary-key-0001";
    private const string BackupKey = "sk-routing-backup-key-0002";
    private const string AnthropicKey = "sk-ant-routing-key-0003";

    private FakeProviderServer _primary = null!;
    private FakeProviderServer _backup = null!;
    private FakeAnthropicServer _claude = null!;
    private string _directory = null!;

    [SetUp]
    public async Task StartUpstreams()
    {
        _primary = await FakeProviderServer.StartAsync();
        _backup = await FakeProviderServer.StartAsync();
        _claude = await FakeAnthropicServer.StartAsync();
        _directory = Directory.CreateTempSubdirectory("chatbot-routing-").FullName;
    }

    [TearDown]
    public async Task StopUpstreams()
    {
        await _primary.DisposeAsync();
        await _backup.DisposeAsync();
        await _claude.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task A_chat_request_goes_to_the_route_its_model_names_with_that_routes_upstream_model_and_key()
    {
        await using var api = Api();
        using var client = api.CreateClient();

        var backup = await ChatAsync(client, "backup");
        var claude = await ChatAsync(client, "claude");

        backup.StatusCode.Should().Be(HttpStatusCode.OK);
        Route(backup).Should().Be("backup");
        _backup.Received.Single().BodyJson.GetProperty("model").GetString().Should().Be("backup-model");
        _backup.Received.Single().Header("Authorization").Should().Be("Bearer " + BackupKey);
        claude.StatusCode.Should().Be(HttpStatusCode.OK);
        Route(claude).Should().Be("claude");
        (await claude.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("message").GetProperty("content")
            .GetString().Should().Be("Fake answer to: hello");
        _claude.LastMessagesCall.BodyJson.GetProperty("model").GetString().Should().Be("claude-test");
        _claude.LastMessagesCall.Header("x-api-key").Should().Be(AnthropicKey);
        _primary.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task Question_and_its_stream_use_the_default_route()
    {
        await using var api = Api();
        using var client = api.CreateClient();

        var answer = await client.AskAsync("hi");
        using var stream = await client.PostAsJsonAsync("/question/stream", new { text = "hi" });
        var events = await stream.Content.ReadAsStringAsync();

        answer.StatusCode.Should().Be(HttpStatusCode.OK);
        Route(answer).Should().Be("fast");
        Route(stream).Should().Be("fast");
        events.Should().Contain("data: [DONE]");
        _primary.ChatCompletionCalls.Should().Be(2);
        _primary.Received.Should().OnlyContain(r => r.BodyJson.GetProperty("model").GetString() == "primary-model");
        _backup.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task Models_lists_every_route_the_default_first_and_an_unknown_model_is_404_model_not_found()
    {
        await using var api = Api();
        using var client = api.CreateClient();

        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");
        var unknown = await ChatAsync(client, "gpt-nope");

        models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString())
            .Should().Equal("fast", "backup", "claude", "solo", "picky");
        models.GetProperty("data")[2].GetProperty("owned_by").GetString().Should().Be("anthropic");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString().Should().Be("model_not_found");
        (_primary.ChatCompletionCalls + _backup.ChatCompletionCalls + _claude.MessagesCalls).Should().Be(0);
    }

    [TestCase(503)]
    [TestCase(429)]
    public async Task A_route_that_still_fails_after_its_retries_hands_the_request_to_its_fallback(int status)
    {
        await using var api = Api();
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(status), Failure(status));

        var response = await ChatAsync(client, "fast");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Route(response).Should().Be("backup");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("message").GetProperty("content")
            .GetString().Should().Be("Fake answer to: hello");

        // fast makes its 2 attempts, backup its 1: at most the sum of the tried routes' attempts.
        _primary.ChatCompletionCalls.Should().Be(2);
        _backup.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task When_every_route_fails_the_client_gets_the_last_failure()
    {
        await using var api = Api();
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503));
        _backup.Enqueue(FakeResponse.RateLimited(7));

        var response = await ChatAsync(client, "fast");

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        _primary.ChatCompletionCalls.Should().Be(2);
        _backup.ChatCompletionCalls.Should().Be(1);
    }

    [TestCase(400, HttpStatusCode.BadRequest)]
    [TestCase(401, HttpStatusCode.Unauthorized)]
    public async Task A_refused_request_or_refused_credentials_never_fall_back(int status, HttpStatusCode expected)
    {
        await using var api = Api();
        using var client = api.CreateClient();

        // The provider's words name another route's key: no route's key is ever passed on.
        _primary.Enqueue(FakeResponse.WithStatus(
            status, """{"error":{"message":"bad value near KEY","type":"invalid_request_error","param":"temperature","code":null}}""".Replace("KEY", BackupKey, StringComparison.Ordinal)));

        var response = await ChatAsync(client, "fast");

        response.StatusCode.Should().Be(expected);
        Route(response).Should().BeNull();
        (await response.Content.ReadAsStringAsync()).Should().NotContain(BackupKey).And.NotContain(PrimaryKey);
        _primary.ChatCompletionCalls.Should().Be(1);
        _backup.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task A_fallback_that_cannot_take_the_request_is_skipped_never_turning_it_into_a_400()
    {
        await using var api = Api();
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503));

        // picky falls back to claude (which cannot take n > 1), then to backup.
        var response = await ChatAsync(client, "picky", n: 2);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Route(response).Should().Be("backup");
        _claude.MessagesCalls.Should().Be(0);
        _backup.Received.Single().BodyJson.GetProperty("n").GetInt32().Should().Be(2);
    }

    [Test]
    public async Task A_stream_falls_back_before_its_first_piece()
    {
        await using var api = Api();
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503));
        _backup.Enqueue(FakeResponse.Stream("Hello", " from backup"));

        using var response = await ChatAsync(client, "fast", stream: true);
        var events = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Route(response).Should().Be("backup");
        events.Should().Contain("\"content\":\"Hello\"").And.Contain("\"content\":\" from backup\"").And.EndWith("data: [DONE]\n\n");
        _primary.ChatCompletionCalls.Should().Be(2);
        _backup.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task A_stream_cut_after_its_first_piece_does_not_fall_back()
    {
        await using var api = Api();
        using var client = api.CreateClient();
        var chunk = """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"primary-model","choices":[{"index":0,"delta":{"role":"assistant","content":"Half"},"finish_reason":null}]}""";
        _primary.Enqueue(FakeResponse.Raw($"data: {chunk}\n\n", "text/event-stream"));

        using var response = await ChatAsync(client, "fast", stream: true);
        var events = await response.Content.ReadAsStringAsync();

        Route(response).Should().Be("fast");
        events.Should().Contain("\"content\":\"Half\"").And.Contain("event: error").And.NotContain("[DONE]");
        _backup.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task An_open_circuit_is_skipped_without_a_call_and_its_fallback_serves()
    {
        await using var api = Api(("LLM_BREAKER_FAILURES", "2"));
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503), Failure(503), Failure(503));

        (await ChatAsync(client, "fast")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ChatAsync(client, "fast")).StatusCode.Should().Be(HttpStatusCode.OK);
        var third = await ChatAsync(client, "fast");

        Route(third).Should().Be("backup");
        _primary.ChatCompletionCalls.Should().Be(4, "the open circuit keeps the third request from calling it");
        _backup.ChatCompletionCalls.Should().Be(3);
    }

    [Test]
    public async Task A_rate_limit_falls_back_but_does_not_open_the_circuit()
    {
        await using var api = Api(("LLM_BREAKER_FAILURES", "2"));
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(429), Failure(429), Failure(429), Failure(429));

        await ChatAsync(client, "fast");
        await ChatAsync(client, "fast");
        var third = await ChatAsync(client, "fast");

        Route(third).Should().Be("fast");
        _primary.ChatCompletionCalls.Should().Be(5);
    }

    [Test]
    public async Task A_circuit_opens_answers_503_with_retry_after_then_half_opens_and_closes_and_readiness_follows()
    {
        await using var api = Api(("LLM_BREAKER_FAILURES", "2"));
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503));

        (await Ready(client)).GetProperty("status").GetString().Should().Be("Healthy");
        (await ChatAsync(client, "solo")).StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await ChatAsync(client, "solo")).StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var open = await ChatAsync(client, "solo");
        using var readyWhileOpen = await client.GetAsync("/health/ready");
        var whileOpen = await readyWhileOpen.Content.ReadFromJsonAsync<JsonElement>();

        open.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        open.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 2);
        _primary.ChatCompletionCalls.Should().Be(2, "an open circuit is not called");
        readyWhileOpen.StatusCode.Should().Be(HttpStatusCode.OK, "a breaker makes readiness Degraded, never Unhealthy");
        whileOpen.GetProperty("status").GetString().Should().Be("Degraded");
        whileOpen.GetProperty("checks").GetProperty("routes").GetProperty("routes").GetProperty("solo").GetString().Should().Be("open");
        whileOpen.GetProperty("checks").GetProperty("routes").GetProperty("routes").GetProperty("fast").GetString().Should().Be("closed");

        // After the break (breakSeconds 1) one trial call decides: it succeeds, and the circuit closes.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        (await Ready(client)).GetProperty("checks").GetProperty("routes").GetProperty("routes").GetProperty("solo").GetString().Should().Be("half_open");
        var trial = await ChatAsync(client, "solo");

        trial.StatusCode.Should().Be(HttpStatusCode.OK);
        _primary.ChatCompletionCalls.Should().Be(3);
        (await Ready(client)).GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Test]
    public async Task A_failed_trial_opens_the_circuit_again()
    {
        await using var api = Api(("LLM_BREAKER_FAILURES", "1"));
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503));

        await ChatAsync(client, "solo");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var trial = await ChatAsync(client, "solo");
        var after = await ChatAsync(client, "solo");

        trial.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        after.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        _primary.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task A_cached_answer_remembers_the_route_that_served_it()
    {
        await using var api = Api(("CACHE_TTL_SECONDS", "300"));
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503));

        var first = await client.AskAsync("cache me");
        var again = await client.AskAsync("cache me");
        using var streamed = await client.PostAsJsonAsync("/question/stream", new { text = "cache me" });

        Route(first).Should().Be("backup");
        again.Headers.GetValues("X-Cache").Single().Should().Be("HIT");
        Route(again).Should().Be("backup", "the hit was served by the fallback");
        streamed.Headers.GetValues("X-Cache").Single().Should().Be("HIT");
        Route(streamed).Should().Be("backup");
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Fake answer to: cache me");
        _backup.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task Metrics_label_calls_failures_and_breakers_by_route_and_provider()
    {
        await using var api = Api();
        using var client = api.CreateClient();
        _primary.Enqueue(Failure(503), Failure(503));

        await ChatAsync(client, "fast");
        var metrics = await client.GetStringAsync("/metrics");

        var parsed = Prometheus.Parse(metrics);

        parsed.Sum("chatbot_upstream_calls_total", ("route", "fast"), ("provider", "openai"), ("status", "503")).Should().Be(2);
        parsed.Sum("chatbot_upstream_calls_total", ("route", "backup"), ("status", "200")).Should().Be(1);
        parsed.Sum("chatbot_provider_failures_total", ("route", "fast"), ("kind", "invalid_response")).Should().Be(1);
        parsed.Sum("chatbot_tokens_total", ("route", "backup"), ("direction", "input")).Should().BeGreaterThan(0);
        parsed.Sum("chatbot_route_circuit_state", ("route", "claude"), ("provider", "anthropic")).Should().Be(0);
    }

    private static FakeResponse Failure(int status) => status == 429 ? FakeResponse.RateLimited(0) : FakeResponse.WithStatus(status);

    private ApiFactory Api(params (string Key, string Value)[] overrides)
    {
        var file = Path.Combine(_directory, "routes.json");
        File.WriteAllText(file, $$"""
            {
              "default": "fast",
              "routes": [
                { "model": "fast", "provider": "openai", "baseUrl": "{{new Uri(_primary.BaseUrl, "v1")}}", "apiKeyEnv": "ROUTING_PRIMARY_KEY",
                  "upstreamModel": "primary-model", "maxAttempts": 2, "fallbacks": ["backup"] },
                { "model": "backup", "provider": "openai", "baseUrl": "{{new Uri(_backup.BaseUrl, "v1")}}", "apiKeyEnv": "ROUTING_BACKUP_KEY",
                  "upstreamModel": "backup-model", "maxAttempts": 1 },
                { "model": "claude", "provider": "anthropic", "baseUrl": "{{_claude.BaseUrl}}", "apiKeyEnv": "ROUTING_ANTHROPIC_KEY",
                  "upstreamModel": "claude-test", "maxTokens": 256, "fallbacks": ["backup"] },
                { "model": "solo", "provider": "openai", "baseUrl": "{{new Uri(_primary.BaseUrl, "v1")}}", "apiKeyEnv": "ROUTING_PRIMARY_KEY",
                  "maxAttempts": 1, "breakSeconds": 1 },
                { "model": "picky", "provider": "openai", "baseUrl": "{{new Uri(_primary.BaseUrl, "v1")}}", "apiKeyEnv": "ROUTING_PRIMARY_KEY",
                  "maxAttempts": 2, "fallbacks": ["claude", "backup"] }
              ]
            }
            """);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LLM_ROUTES_FILE"] = file,
            ["ROUTING_PRIMARY_KEY"] = PrimaryKey,
            ["ROUTING_BACKUP_KEY"] = BackupKey,
            ["ROUTING_ANTHROPIC_KEY"] = AnthropicKey,
            ["REQUEST_TIMEOUT"] = "5",
            ["LLM_RETRY_BASE_DELAY"] = "0.001",
            ["LLM_RETRY_MAX_DELAY"] = "0.01",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return new ApiFactory(settings);
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client, string model, bool stream = false, int? n = null)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = "hello" } },
        };
        if (stream)
        {
            body["stream"] = true;
        }

        if (n is not null)
        {
            body["n"] = n;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        return client.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
    }

    private static string? Route(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Route", out var values) ? values.Single() : null;

    private static Task<JsonElement> Ready(HttpClient client) => client.GetFromJsonAsync<JsonElement>("/health/ready");
}
