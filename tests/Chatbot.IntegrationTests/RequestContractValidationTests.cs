using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.IntegrationTests;

/// <summary>
/// /v1's request contract is validated by FluentValidation at MVC model binding: a broken rule is OpenAI's 400 and
/// the action (so the mediator and the provider) never runs. An action filter records every action that starts.
/// </summary>
public sealed class RequestContractValidationTests
{
    private readonly ActionRecorder _actions = new();
    private FakeProviderServer _fake = null!;
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartFakeAndApi()
    {
        _fake = await FakeProviderServer.StartAsync();
        _factory = new ApiFactory(
            ApiFactory.SettingsFor(_fake),
            services => services.Configure<MvcOptions>(o => o.Filters.Add(_actions)));
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopFakeAndApi()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [SetUp]
    public void Reset()
    {
        _fake.Reset();
        _actions.Started = 0;
    }

    [TestCase("""{"messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role", TestName = "unknown role")]
    [TestCase("""{"stream":true,"messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role", TestName = "unknown role, streamed")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"},{"content":"no role"}]}""", "messages[1].role", TestName = "missing role")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"},null]}""", "messages[1]", TestName = "null message")]
    [TestCase("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""", "messages[0].content[0].type", TestName = "a content part the service cannot carry")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":-0.1}""", "temperature", TestName = "temperature below 0")]
    [TestCase("""{"messages":[]}""", "messages", TestName = "no messages")]
    public async Task A_broken_wire_rule_is_openai_s_400_before_the_action_runs(string body, string param)
    {
        var response = await _client.PostAsync("/v1/chat/completions", Problems.Json(body));

        var error = await response.ShouldBeOpenAiInvalidRequestAsync(param);
        error.GetProperty("code").ValueKind.Should().Be(JsonValueKind.Null);
        _actions.Started.Should().Be(0, "model binding's validation must answer before the action");
        _fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task The_first_rule_broken_is_reported_in_message_order_not_in_key_order()
    {
        // The model state sorts messages[10] before messages[2]; the error is the first message's.
        var messages = Enumerable.Range(0, 11).Select(i => new { role = i is 2 or 10 ? "wizard" : "user", content = $"m{i}" });

        var response = await _client.PostAsJsonAsync("/v1/chat/completions", new { messages });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString()
            .Should().Be("messages[2].role");
        _actions.Started.Should().Be(0);
    }

    [Test]
    public async Task A_wire_shape_error_is_reported_before_the_served_model_is_looked_up()
    {
        var response = await _client.PostAsync(
            "/v1/chat/completions", Problems.Json("""{"model":"gpt-imaginary","messages":[{"role":"wizard","content":"hi"}]}"""));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString()
            .Should().Be("messages[0].role");
        _actions.Started.Should().Be(0);
    }

    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens", TestName = "max_tokens out of range")]
    [TestCase("""{"messages":[{"role":"user","content":""}]}""", "messages[0].content", TestName = "empty content")]
    public async Task The_use_case_s_rules_are_still_the_mediator_s_after_binding(string body, string param)
    {
        var response = await _client.PostAsync("/v1/chat/completions", Problems.Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString().Should().Be(param);
        _actions.Started.Should().Be(1, "these rules are the command's, checked by the mediator inside the action");
        _fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task A_valid_request_passes_binding_and_reaches_the_provider()
    {
        _fake.Enqueue(FakeResponse.Completion("fine"));

        var response = await _client.PostAsync(
            "/v1/chat/completions", Problems.Json("""{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"temperature":2}"""));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _actions.Started.Should().Be(1);
        _fake.ChatCompletionCalls.Should().Be(1);
    }

    private sealed class ActionRecorder : IActionFilter
    {
        private int _started;

        public int Started
        {
            get => Volatile.Read(ref _started);
            set => Volatile.Write(ref _started, value);
        }

        public void OnActionExecuting(ActionExecutingContext context) => Interlocked.Increment(ref _started);

        public void OnActionExecuted(ActionExecutedContext context)
        {
        }
    }
}
