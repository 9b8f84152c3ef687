using System.Net;
using System.Text.Json;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Chatbot.Infrastructure.Providers.Echo;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using Chatbot.UnitTests.TestSupport;
using static Chatbot.UnitTests.TestSupport.ScriptedHttpMessageHandler;

namespace Chatbot.UnitTests.Infrastructure.Providers.OpenAiCompatible;

/// <summary><c>OpenAiCompatibleProvider.CompleteAsync</c> over the real HttpClient pipeline and a scripted upstream.</summary>
public sealed class OpenAiCompatibleProviderTests
{
    private static readonly ChatCompletionRequest Question = new(
        [ChatMessage.System("Be brief."), ChatMessage.User("What is the capital of France?")], "gpt-4o-mini")
    { Temperature = 0.7 };

    private readonly List<InfrastructureHost> _hosts = [];

    [Test]
    public async Task LLM_PROVIDER_openai_selects_this_adapter_and_echo_is_the_default()
    {
        await using (var openAi = InfrastructureHost.ForUpstream(Statuses(HttpStatusCode.OK)))
        {
            openAi.Provider.Should().BeOfType<OpenAiCompatibleProvider>();
        }

        await using var bare = InfrastructureHost.Create([]);
        bare.Provider.Should().BeOfType<EchoChatProvider>();
    }

    [Test]
    public async Task A_valid_completion_gives_its_text_model_and_usage()
    {
        var upstream = Always(() => Json(HttpStatusCode.OK, CompletionJson));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var completion = await host.Provider.CompleteAsync(Question, CancellationToken.None);

        completion.Text.Should().Be("Hello there");
        completion.Model.Should().Be("gpt-4o-mini-2024-07-18");
        completion.Usage.Should().Be(new TokenUsage(12, 3));
        upstream.Calls.Should().Be(1);
    }

    [Test]
    public async Task A_completion_without_usage_has_none()
    {
        var upstream = Always(() => Json(HttpStatusCode.OK,
            """{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}]}"""));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var completion = await host.Provider.CompleteAsync(Question, CancellationToken.None);

        completion.Text.Should().Be("ok");
        completion.Usage.Should().BeNull();
        completion.Model.Should().Be("gpt-4o-mini", "without a model in the answer, the requested one is reported");
    }

    [Test]
    public async Task Posts_the_model_messages_temperature_and_key_as_openai_expects()
    {
        var upstream = Always(() => Json(HttpStatusCode.OK, CompletionJson));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        await host.Provider.CompleteAsync(Question with { Temperature = 1.5, MaxTokens = 64 }, CancellationToken.None);

        var sent = upstream.Requests.Single();
        sent.Method.Should().Be(HttpMethod.Post);
        sent.Authorization.Should().Be("Bearer sk-test-key-1234");
        using var body = JsonDocument.Parse(sent.Body!);
        var root = body.RootElement;
        root.GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        root.GetProperty("temperature").GetDouble().Should().BeApproximately(1.5, 1e-6);
        root.GetProperty("max_tokens").GetInt32().Should().Be(64);
        var messages = root.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString()))
            .ToList();
        messages.Should().Equal(("system", "Be brief."), ("user", "What is the capital of France?"));
    }

    [Test]
    public async Task Sends_the_body_as_json_with_a_content_length_not_chunked()
    {
        // Some providers and proxies refuse a chunked request body; a retry must also be able to send it again.
        var upstream = Statuses(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        await host.Provider.CompleteAsync(Question, CancellationToken.None);

        upstream.Requests.Should().HaveCount(2);
        foreach (var sent in upstream.Requests)
        {
            sent.ContentType.Should().BeOneOf("application/json", "application/json; charset=utf-8");
            sent.ContentLength.Should().Be(System.Text.Encoding.UTF8.GetByteCount(sent.Body!));
            sent.Body.Should().Be(upstream.Requests[0].Body, "a retry sends the same request");
        }
    }

    [Test]
    public async Task A_provider_without_a_key_gets_no_Authorization_header_at_all()
    {
        // Ollama and LocalAI need no key; the SDK would send "Bearer " with an empty one.
        var upstream = Always(() => Json(HttpStatusCode.OK, CompletionJson));
        await using var host = InfrastructureHost.ForUpstream(upstream, new Dictionary<string, string?> { ["LLM_API_KEY"] = "" });

        await host.Provider.CompleteAsync(Question, CancellationToken.None);
        await foreach (var _ in host.Provider.StreamAsync(Question, CancellationToken.None))
        {
        }

        upstream.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Authorization == null);
    }

    [Test]
    public async Task The_streamed_request_is_the_SDK_model_written_by_the_source_generated_context()
    {
        var upstream = Always(() => Content(HttpStatusCode.OK, "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", "text/event-stream"));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var pieces = new List<string>();
        await foreach (var piece in host.Provider.StreamAsync(Question with { MaxTokens = 12 }, CancellationToken.None))
        {
            pieces.Add(piece.Text!);
        }

        pieces.Should().Equal("hi");
        var sent = upstream.Requests.Single();
        sent.ContentLength.Should().Be(System.Text.Encoding.UTF8.GetByteCount(sent.Body!));
        using var body = JsonDocument.Parse(sent.Body!);
        var root = body.RootElement;
        root.GetProperty("stream").GetBoolean().Should().BeTrue();
        root.GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        root.GetProperty("max_tokens").GetInt32().Should().Be(12);
        root.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("system", "user");
        root.GetProperty("messages")[1].GetProperty("content").GetString().Should().Be("What is the capital of France?");
        root.EnumerateObject().Select(p => p.Name).Should().BeSubsetOf(
            ["model", "messages", "temperature", "max_tokens", "stream"], "defaults are left out, as the SDK writes them");
    }

    [Test]
    public async Task Does_not_send_max_tokens_when_there_is_none()
    {
        var upstream = Always(() => Json(HttpStatusCode.OK, CompletionJson));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        await host.Provider.CompleteAsync(Question, CancellationToken.None);

        using var body = JsonDocument.Parse(upstream.Requests.Single().Body!);
        body.RootElement.TryGetProperty("max_tokens", out _).Should().BeFalse();
        body.RootElement.TryGetProperty("max_completion_tokens", out _).Should().BeFalse();
    }

    [TestCase("https://api.openai.com/v1")]
    [TestCase("https://api.groq.com/openai/v1")]
    [TestCase("https://generativelanguage.googleapis.com/v1beta/openai")]
    [TestCase("https://generativelanguage.googleapis.com/v1beta/openai/")]
    [TestCase("http://localhost:11434/v1/")]
    [TestCase("http://host:9000")]
    public async Task Posts_to_the_base_url_plus_chat_completions_whatever_the_path(string baseUrl)
    {
        var upstream = Always(() => Json(HttpStatusCode.OK, CompletionJson));
        await using var host = InfrastructureHost.ForUpstream(upstream, new Dictionary<string, string?> { ["LLM_BASE_URL"] = baseUrl });

        await host.Provider.CompleteAsync(Question, CancellationToken.None);

        upstream.Requests.Single().Uri!.AbsoluteUri.Should().Be(baseUrl.TrimEnd('/') + "/chat/completions");
    }

    [Test]
    public async Task Retries_reach_the_caller_as_one_answer()
    {
        var upstream = Statuses(HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var completion = await host.Provider.CompleteAsync(Question, CancellationToken.None);

        completion.Text.Should().Be("Hello there");
        upstream.Calls.Should().Be(3);
    }

    [Test]
    public async Task No_choices_is_an_invalid_response()
    {
        var act = Completing(() => Json(HttpStatusCode.OK, """{"choices":[]}"""));

        await act.Should().ThrowAsync<ProviderInvalidResponseException>();
    }

    [Test]
    public async Task A_body_without_choices_is_an_invalid_response()
    {
        var act = Completing(() => Json(HttpStatusCode.OK, "{}"));

        await act.Should().ThrowAsync<ProviderInvalidResponseException>();
    }

    [TestCase("null")]
    [TestCase("\"\"")]
    public async Task Empty_content_is_an_answer_with_no_text(string content)
    {
        var upstream = Always(() => Json(HttpStatusCode.OK,
            $$"""{"choices":[{"index":0,"message":{"role":"assistant","content":{{content}}},"finish_reason":"content_filter"}]}"""));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var completion = await host.Provider.CompleteAsync(Question, CancellationToken.None);

        // /v1 passes it on as it is; /question's handler refuses it (502), as the original service did.
        completion.Text.Should().BeNullOrEmpty();
        completion.FinishReason.Should().Be("content_filter");
    }

    [TestCase("not json")]
    [TestCase("")]
    [TestCase("null")]
    [TestCase("{\"choices\":[")]
    public async Task A_body_that_is_not_a_json_completion_is_an_invalid_response(string body)
    {
        var act = Completing(() => Json(HttpStatusCode.OK, body));

        await act.Should().ThrowAsync<ProviderInvalidResponseException>();
    }

    [Test]
    public async Task An_html_page_is_an_invalid_response()
    {
        var act = Completing(() => Content(HttpStatusCode.OK,
            "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"));

        await act.Should().ThrowAsync<ProviderInvalidResponseException>();
    }

    [TestCase("""{"error":{"message":"x","code":123}}""")]
    [TestCase("""[{"error":"x"}]""")]
    [TestCase("""{"error":"text"}""")]
    [TestCase("""{"error":{"message":"model overloaded","type":"server_error","code":"overloaded"}}""")]
    public async Task An_error_body_with_a_success_status_is_an_invalid_response_never_a_json_exception(string body)
    {
        var act = Completing(() => Json(HttpStatusCode.OK, body));

        await act.Should().ThrowAsync<ProviderInvalidResponseException>();
    }

    [Test]
    public async Task Rejected_credentials_with_a_plain_text_body_are_an_authentication_failure()
    {
        var upstream = Always(() => Content(HttpStatusCode.Unauthorized, "Unauthorized", "text/plain"));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = async () => await host.Provider.CompleteAsync(Question, CancellationToken.None);

        await act.Should().ThrowAsync<ProviderAuthenticationException>();
        upstream.Calls.Should().Be(1);
    }

    [TestCase("""{"error":{"message":"Invalid API key","code":401}}""")]
    [TestCase("""[{"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}}]""")]
    public async Task Rejected_credentials_with_an_unparsable_error_body_are_an_authentication_failure(string body)
    {
        var act = Completing(() => Json(HttpStatusCode.Unauthorized, body));

        await act.Should().ThrowAsync<ProviderAuthenticationException>();
    }

    [Test]
    public async Task Persistent_rate_limiting_reaches_the_caller_as_rate_limited_with_Retry_After()
    {
        var act = Completing(() =>
        {
            var response = Json(HttpStatusCode.TooManyRequests, """{"error":{"message":"slow down","code":429}}""");
            response.Headers.Add("Retry-After", "20");
            return response;
        });

        (await act.Should().ThrowAsync<ProviderRateLimitedException>()).Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(20));
    }

    [Test]
    public async Task An_unreachable_provider_reaches_the_caller_as_unavailable()
    {
        var upstream = new ScriptedHttpMessageHandler(Throw(() => new HttpRequestException(
            HttpRequestError.ConnectionError, "Connection refused")));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = async () => await host.Provider.CompleteAsync(Question, CancellationToken.None);

        await act.Should().ThrowAsync<ProviderUnavailableException>();
        upstream.Calls.Should().Be(3);
    }

    [Test]
    public async Task A_provider_that_does_not_answer_in_time_reaches_the_caller_as_timeout()
    {
        var upstream = new ScriptedHttpMessageHandler(Hang());
        await using var host = InfrastructureHost.ForUpstream(
            upstream, new Dictionary<string, string?> { ["REQUEST_TIMEOUT"] = "0.2", ["LLM_MAX_ATTEMPTS"] = "2" });

        var act = async () => await host.Provider.CompleteAsync(Question, CancellationToken.None);

        await act.Should().ThrowAsync<ProviderTimeoutException>();
        upstream.Calls.Should().Be(2);
    }

    [Test]
    public async Task Caller_cancellation_reaches_the_caller_as_cancellation()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstream = new ScriptedHttpMessageHandler(async (_, cancellationToken) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        await using var host = InfrastructureHost.ForUpstream(upstream);
        using var cts = new CancellationTokenSource();

        var completing = host.Provider.CompleteAsync(Question, cts.Token).AsTask();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        var act = () => completing;

        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.Should().NotBeAssignableTo<ProviderException>();
        upstream.Calls.Should().Be(1);
    }

    /// <summary>A host whose upstream answers every call with <paramref name="respond"/>; disposed when the test ends.</summary>
    private Func<Task> Completing(Func<HttpResponseMessage> respond)
    {
        var host = InfrastructureHost.ForUpstream(Always(respond));
        _hosts.Add(host);
        return async () => await host.Provider.CompleteAsync(Question, CancellationToken.None);
    }

    [TearDown]
    public async Task DisposeHosts()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}
