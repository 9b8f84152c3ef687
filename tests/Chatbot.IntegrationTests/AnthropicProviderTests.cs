using System.Text;

namespace Chatbot.IntegrationTests;

/// <summary>
/// The native Anthropic adapter (<c>LLM_PROVIDER=anthropic</c>) through the real API, against a fake of Anthropic's
/// Messages API on loopback: raw HTTP on both sides, so what the service sends and what the client gets are read as
/// they are on the wire.
/// </summary>
public sealed class AnthropicProviderTests
{
    private const string UpstreamModel = "claude-test-model";

    // What Betalgo's schema model would cut, and what a tool's input schema must keep: minLength, allOf, default, enums.
    private const string Schema = """
        {"type":"object","properties":{"city":{"type":"string","minLength":2,"default":"Paris"},
         "days":{"type":"integer","enum":[1,3,7]},"unit":{"allOf":[{"type":"string"},{"enum":["c","f"]}]}},
         "required":["city","days"],"additionalProperties":false}
        """;

    private FakeAnthropicServer _fake = null!;
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    private JsonElement Sent => _fake.LastMessagesCall.BodyJson;

    [OneTimeSetUp]
    public async Task StartFakeAndApi()
    {
        _fake = await FakeAnthropicServer.StartAsync();
        _factory = Api(("REQUEST_TIMEOUT", "2"));
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
    public void ResetFake() => _fake.Reset();

    [Test]
    public async Task A_question_is_a_message_to_v1_messages_with_the_key_the_version_and_max_tokens()
    {
        var response = await _client.AskAsync("hi there");

        var body = await OkBody(response);
        body.GetProperty("text").GetString().Should().Be("Fake answer to: hi there");
        var call = _fake.Received.Should().ContainSingle().Subject;
        call.Method.Should().Be("POST");
        call.Path.Should().Be("/v1/messages");
        call.Header("x-api-key").Should().Be(ApiFactory.ApiKey);
        call.Header("anthropic-version").Should().Be("2023-06-01");
        call.Header("authorization").Should().BeNull("the key goes as x-api-key only");
        call.Header("content-type").Should().StartWith("application/json");
        var sent = call.BodyJson;
        sent.GetProperty("model").GetString().Should().Be(UpstreamModel);
        sent.GetProperty("max_tokens").GetInt32().Should().Be(4096, "Anthropic requires max_tokens: the documented default when none is set");
        sent.GetProperty("temperature").GetDouble().Should().BeApproximately(0.5, 1e-9);
        sent.TryGetProperty("system", out _).Should().BeFalse();
        sent.TryGetProperty("stream", out _).Should().BeFalse();
        var message = sent.GetProperty("messages").EnumerateArray().Should().ContainSingle().Subject;
        message.GetProperty("role").GetString().Should().Be("user");
        message.GetProperty("content")[0].GetProperty("type").GetString().Should().Be("text");
        message.GetProperty("content")[0].GetProperty("text").GetString().Should().Be("hi there");
    }

    [Test]
    public async Task A_plain_v1_answer_keeps_the_id_the_model_the_text_and_the_usage()
    {
        _fake.Enqueue(FakeAnthropicResponse.Text("Hello from Claude.") with
        {
            Model = "claude-test-model-20260101",
            InputTokens = 20,
            OutputTokens = 7,
            CacheReadInputTokens = 100,
            CacheCreationInputTokens = 3,
        });

        var body = await OkBody(await Chat("""
            {"messages":[{"role":"user","content":"Hi"}],"max_tokens":77,"top_p":0.9,"temperature":0.2,
             "stop":["END","STOP"],"user":"user-42"}
            """));

        body.GetProperty("id").GetString().Should().StartWith("msg_fake_");
        body.GetProperty("model").GetString().Should().Be("claude-test-model-20260101");
        var choice = body.GetProperty("choices").EnumerateArray().Should().ContainSingle().Subject;
        choice.GetProperty("message").GetProperty("role").GetString().Should().Be("assistant");
        choice.GetProperty("message").GetProperty("content").GetString().Should().Be("Hello from Claude.");
        choice.GetProperty("finish_reason").GetString().Should().Be("stop");
        var usage = body.GetProperty("usage");
        usage.GetProperty("prompt_tokens").GetInt32().Should().Be(123, "OpenAI's prompt tokens count the cache reads and writes too");
        usage.GetProperty("completion_tokens").GetInt32().Should().Be(7);
        usage.GetProperty("total_tokens").GetInt32().Should().Be(130);
        usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32().Should().Be(100);

        var sent = Sent;
        sent.GetProperty("max_tokens").GetInt32().Should().Be(77);
        sent.GetProperty("top_p").GetDouble().Should().BeApproximately(0.9, 1e-9);
        sent.GetProperty("temperature").GetDouble().Should().BeApproximately(0.2, 1e-9);
        sent.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()).Should().Equal("END", "STOP");
        sent.GetProperty("metadata").GetProperty("user_id").GetString().Should().Be("user-42");
    }

    [Test]
    public async Task Max_completion_tokens_is_sent_as_max_tokens()
    {
        await OkBody(await Chat("""{"messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":55}"""));

        Sent.GetProperty("max_tokens").GetInt32().Should().Be(55);
    }

    [Test]
    public async Task The_configured_system_prompt_is_anthropic_s_top_level_system()
    {
        await using var factory = Api(("LLM_SYSTEM_PROMPT", "You are terse."), ("LLM_MAX_TOKENS", "321"));
        using var client = factory.CreateClient();

        await OkBody(await client.AskAsync("hi"));

        var sent = Sent;
        ShouldEqualJson(sent.GetProperty("system"), """[{"type":"text","text":"You are terse."}]""");
        sent.GetProperty("messages").GetArrayLength().Should().Be(1, "the system prompt is not a message");
        sent.GetProperty("max_tokens").GetInt32().Should().Be(321, "LLM_MAX_TOKENS applies when the client set none");
    }

    [Test]
    public async Task System_and_developer_messages_are_the_top_level_system_in_order()
    {
        await OkBody(await Chat("""
            {"messages":[{"role":"system","content":"Rule one."},{"role":"developer","content":"Rule two."},
                         {"role":"user","content":"Hi"}]}
            """));

        var sent = Sent;
        ShouldEqualJson(sent.GetProperty("system"), """[{"type":"text","text":"Rule one."},{"type":"text","text":"Rule two."}]""");
        sent.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("user");
    }

    [Test]
    public async Task Tools_go_with_their_whole_schema_and_a_tool_use_answer_is_openai_s_tool_calls()
    {
        _fake.Enqueue(FakeAnthropicResponse.ToolUse("toolu_01", "get_weather", """{"city":"Paris","days":3}"""));

        var body = await OkBody(await Chat($$$"""
            {"messages":[{"role":"user","content":"Weather in Paris?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"The weather.","parameters":{{{Schema}}},"strict":true}}],
             "tool_choice":"required","parallel_tool_calls":false}
            """));

        var choice = body.GetProperty("choices")[0];
        choice.GetProperty("finish_reason").GetString().Should().Be("tool_calls");
        choice.GetProperty("message").GetProperty("content").ValueKind.Should().Be(JsonValueKind.Null);
        var call = choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray().Should().ContainSingle().Subject;
        call.GetProperty("id").GetString().Should().Be("toolu_01");
        call.GetProperty("type").GetString().Should().Be("function");
        call.GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).GetRawText().Should().Be("""{"city":"Paris","days":3}""");

        var sent = Sent;
        var tool = sent.GetProperty("tools").EnumerateArray().Should().ContainSingle().Subject;
        tool.GetProperty("name").GetString().Should().Be("get_weather");
        tool.GetProperty("description").GetString().Should().Be("The weather.");
        tool.GetProperty("strict").GetBoolean().Should().BeTrue();
        ShouldEqualJson(tool.GetProperty("input_schema"), Schema);
        sent.GetProperty("tool_choice").GetProperty("type").GetString().Should().Be("any");
        sent.GetProperty("tool_choice").GetProperty("disable_parallel_tool_use").GetBoolean().Should().BeTrue();
    }

    [Test]
    public async Task A_tool_round_trip_sends_tool_use_blocks_and_one_user_turn_of_tool_results()
    {
        _fake.Enqueue(FakeAnthropicResponse.Text("Sunny in Paris, rain in Rome."));

        var body = await OkBody(await Chat("""
            {"messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":"Let me look.","tool_calls":[
                {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"toolu_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"sunny"},
              {"role":"tool","tool_call_id":"toolu_2","content":"rain"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
            """));

        body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString().Should().Be("Sunny in Paris, rain in Rome.");
        var messages = Sent.GetProperty("messages");
        messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant", "user");
        ShouldEqualJson(messages[1].GetProperty("content"), """
            [{"type":"text","text":"Let me look."},
             {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
             {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome"}}]
            """);
        var results = messages[2].GetProperty("content");
        results.GetArrayLength().Should().Be(2, "consecutive tool results are one user turn");
        results[0].GetProperty("type").GetString().Should().Be("tool_result");
        results[0].GetProperty("tool_use_id").GetString().Should().Be("toolu_1");
        results[0].GetProperty("content").GetString().Should().Be("sunny");
        results[1].GetProperty("tool_use_id").GetString().Should().Be("toolu_2");
        results[1].GetProperty("content").GetString().Should().Be("rain");
    }

    [Test]
    public async Task Images_go_as_base64_and_url_image_blocks()
    {
        await OkBody(await Chat("""
            {"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
            """));

        var content = Sent.GetProperty("messages")[0].GetProperty("content");
        content[0].GetProperty("text").GetString().Should().Be("What is this?");
        content[1].GetProperty("type").GetString().Should().Be("image");
        var base64 = content[1].GetProperty("source");
        base64.GetProperty("type").GetString().Should().Be("base64");
        base64.GetProperty("media_type").GetString().Should().Be("image/png");
        base64.GetProperty("data").GetString().Should().Be("iVBORw0KGgo=");
        content[2].GetProperty("source").GetProperty("type").GetString().Should().Be("url");
        content[2].GetProperty("source").GetProperty("url").GetString().Should().Be("https://example.com/cat.jpg");
    }

    [Test]
    public async Task A_streamed_answer_comes_as_openai_chunks_with_the_usage_last_when_asked()
    {
        _fake.Enqueue(FakeAnthropicResponse.Text("The quick brown fox.") with { InputTokens = 9, OutputTokens = 5 });

        var chunks = await Chunks(await Chat("""
            {"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}
            """));

        Sent.GetProperty("stream").GetBoolean().Should().BeTrue();
        chunks.Select(c => c.GetProperty("id").GetString()).Distinct().Should().ContainSingle().Which.Should().StartWith("msg_fake_");
        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
        withChoices[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString().Should().Be("assistant");
        var pieces = withChoices.Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            .Select(d => d.GetProperty("content").GetString()).ToList();
        pieces.Should().HaveCountGreaterThan(1, "the text comes in the pieces Anthropic sent");
        string.Concat(pieces).Should().Be("The quick brown fox.");
        withChoices[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString().Should().Be("stop");
        var last = chunks[^1];
        last.GetProperty("choices").GetArrayLength().Should().Be(0);
        last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32().Should().Be(9);
        last.GetProperty("usage").GetProperty("completion_tokens").GetInt32().Should().Be(5);
    }

    [Test]
    public async Task A_streamed_answer_has_no_usage_chunk_unless_asked()
    {
        var chunks = await Chunks(await Chat("""{"messages":[{"role":"user","content":"Hi"}],"stream":true}"""));

        chunks.Should().OnlyContain(c => c.GetProperty("choices").GetArrayLength() > 0);
        chunks.Should().OnlyContain(c => HasNoUsage(c));
    }

    [Test]
    public async Task A_streamed_tool_use_comes_as_tool_call_chunks_with_the_argument_pieces_as_they_came()
    {
        _fake.Enqueue(FakeAnthropicResponse.ToolUse("toolu_9", "get_weather", """{"city":"Paris","days":3}""", text: "Checking."));

        var chunks = await Chunks(await Chat("""
            {"messages":[{"role":"user","content":"Weather?"}],"stream":true,
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """));

        var deltas = chunks.Select(c => c.GetProperty("choices")[0]).ToList();
        var calls = deltas.Where(d => d.GetProperty("delta").TryGetProperty("tool_calls", out var t) && t.ValueKind == JsonValueKind.Array)
            .Select(d => d.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        calls[0].GetProperty("index").GetInt32().Should().Be(0);
        calls[0].GetProperty("id").GetString().Should().Be("toolu_9");
        calls[0].GetProperty("type").GetString().Should().Be("function");
        calls[0].GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        var argumentPieces = calls.Skip(1).Select(c => c.GetProperty("function").GetProperty("arguments").GetString()).ToList();
        argumentPieces.Should().HaveCountGreaterThan(2, "each input_json_delta is passed on, not held back");
        calls.Skip(1).Should().OnlyContain(c => c.GetProperty("index").GetInt32() == 0);
        Parse(string.Concat(argumentPieces)).GetRawText().Should().Be("""{"city":"Paris","days":3}""");
        deltas[^1].GetProperty("finish_reason").GetString().Should().Be("tool_calls");
        string.Concat(deltas.Select(d => d.GetProperty("delta")).Where(d => d.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            .Select(d => d.GetProperty("content").GetString())).Should().Be("Checking.");
    }

    [Test]
    public async Task Overloaded_529_is_retried_and_the_second_call_answers()
    {
        _fake.Enqueue(FakeAnthropicResponse.Overloaded(), FakeAnthropicResponse.Text("Second time lucky."));

        var body = await OkBody(await _client.AskAsync("hi"));

        body.GetProperty("text").GetString().Should().Be("Second time lucky.");
        _fake.MessagesCalls.Should().Be(2);
    }

    [Test]
    public async Task Overloaded_every_time_is_502_after_llm_max_attempts_calls()
    {
        _fake.Default = FakeAnthropicResponse.Overloaded();

        var response = await _client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "Invalid response from LLM provider");
        _fake.MessagesCalls.Should().Be(3, "the SDK's own retries are off: LLM_MAX_ATTEMPTS bounds the calls");
    }

    [Test]
    public async Task Rate_limited_every_time_is_429_with_retry_after()
    {
        _fake.Default = FakeAnthropicResponse.RateLimited(1);

        var response = await _client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "Rate limit exceeded, please try again later");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        _fake.MessagesCalls.Should().Be(3);
    }

    [Test]
    public async Task A_rejected_key_is_401_after_one_call()
    {
        _fake.Default = FakeAnthropicResponse.Error(401, "authentication_error", "invalid x-api-key");

        var response = await _client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authentication failed with LLM provider");
        _fake.MessagesCalls.Should().Be(1);
    }

    [Test]
    public async Task An_invalid_request_keeps_anthropic_s_message_on_v1_with_the_key_scrubbed()
    {
        _fake.Enqueue(FakeAnthropicResponse.Error(400, "invalid_request_error", $"max_tokens: 100000 > 64000, key {ApiFactory.ApiKey} ignored"));

        var response = await Chat("""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":100000}""");

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        Problems.ShouldNotLeak(text);
        var error = Parse(text).GetProperty("error");
        error.GetProperty("message").GetString().Should().Be("max_tokens: 100000 > 64000, key *** ignored");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        _fake.MessagesCalls.Should().Be(1);
    }

    [Test]
    public async Task An_invalid_request_is_502_on_question()
    {
        _fake.Enqueue(FakeAnthropicResponse.Error(400, "invalid_request_error", "messages: roles must alternate"));

        var response = await _client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "Invalid response from LLM provider");
    }

    [Test]
    public async Task A_max_tokens_stop_is_finish_reason_length()
    {
        _fake.Enqueue(FakeAnthropicResponse.Text("The answer was cut", stopReason: "max_tokens"));

        var body = await OkBody(await Chat("""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":5}"""));

        body.GetProperty("choices")[0].GetProperty("finish_reason").GetString().Should().Be("length");
    }

    [TestCase("\"n\":2", "n")]
    [TestCase("\"logprobs\":true", "logprobs")]
    [TestCase("\"presence_penalty\":0.5", "presence_penalty")]
    [TestCase("\"frequency_penalty\":-0.5", "frequency_penalty")]
    [TestCase("\"logit_bias\":{\"50256\":-100}", "logit_bias")]
    [TestCase("\"seed\":42", "seed")]
    [TestCase("\"response_format\":{\"type\":\"json_object\"}", "response_format")]
    [TestCase("\"reasoning_effort\":\"low\"", "reasoning_effort")]
    public async Task A_field_anthropic_has_no_place_for_is_refused_by_name_and_nothing_is_sent(string field, string param)
    {
        var response = await Chat($$$"""{"messages":[{"role":"user","content":"Hi"}],{{{field}}}}""");

        var error = await response.ShouldBeOpenAiInvalidRequestAsync(param);
        error.GetProperty("code").GetString().Should().Be("unsupported_parameter");
        _fake.MessagesCalls.Should().Be(0);
    }

    [Test]
    public async Task A_message_s_name_is_refused_by_its_path()
    {
        var response = await Chat("""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Yes?"},{"role":"user","content":"Go","name":"ann"}]}""");

        await response.ShouldBeOpenAiInvalidRequestAsync("messages[2].name");
        _fake.MessagesCalls.Should().Be(0);
    }

    [Test]
    public async Task A_streamed_refusal_is_the_same_400_before_any_event()
    {
        var response = await Chat("""{"messages":[{"role":"user","content":"Hi"}],"n":2,"stream":true}""");

        await response.ShouldBeOpenAiInvalidRequestAsync("n");
    }

    [Test]
    public async Task An_error_event_in_the_middle_of_a_stream_is_an_error_event_by_its_type()
    {
        _fake.Enqueue(FakeAnthropicResponse.Stream(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Half an "}}"""),
            ("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")));

        var events = await QuestionStream("hi");

        Join(events).Should().Be("Half an ");
        events[^1].Event.Should().Be("error");
        Parse(events[^1].Data).GetProperty("status").GetInt32().Should().Be(503, "Anthropic's overloaded_error is the provider unavailable");
        events.Should().NotContain(e => e.Data == "[DONE]");
    }

    [Test]
    public async Task A_stream_cut_before_message_stop_is_not_an_answer()
    {
        _fake.Enqueue(FakeAnthropicResponse.Stream(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"All "}}"""),
            ("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}""")));

        var events = await QuestionStream("hi");

        Join(events).Should().Be("All ");
        events[^1].Event.Should().Be("error");
        Parse(events[^1].Data).GetProperty("status").GetInt32().Should().Be(502);
        events.Should().NotContain(e => e.Data == "[DONE]");
    }

    [Test]
    public async Task Garbage_in_a_stream_before_any_text_is_502_not_an_answer()
    {
        _fake.Enqueue(FakeAnthropicResponse.Stream(
            ("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}"""),
            ("content_block_delta", "this is not json")));

        var response = await _client.PostAsJsonAsync("/question/stream", new { text = "hi" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "Invalid response from LLM provider");
    }

    [Test]
    public async Task A_stream_that_stalls_past_request_timeout_after_it_started_is_504()
    {
        // message_start comes at once; the next event (a ping) 30 s later: past REQUEST_TIMEOUT (2 s) between two events.
        _fake.Enqueue(FakeAnthropicResponse.Text("never told") with { EventDelay = TimeSpan.FromSeconds(30) });

        var response = await _client.PostAsJsonAsync("/question/stream", new { text = "hi" });

        await response.ShouldBeProblemAsync(HttpStatusCode.GatewayTimeout);
        _fake.MessagesCalls.Should().Be(1, "a stream that started is not asked again");
    }

    [Test]
    public async Task An_error_as_the_stream_s_first_event_is_retried_like_the_same_status()
    {
        _fake.Enqueue(
            FakeAnthropicResponse.Stream(("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")),
            FakeAnthropicResponse.Text("Back again."));

        var events = await QuestionStream("hi");

        Join(events).Should().Be("Back again.");
        _fake.MessagesCalls.Should().Be(2);
    }

    [Test]
    public async Task A_trailing_v1_in_the_base_url_is_not_doubled()
    {
        await using var factory = Api(("LLM_BASE_URL", new Uri(_fake.BaseUrl, "v1").ToString()));
        using var client = factory.CreateClient();

        await OkBody(await client.AskAsync("hi"));

        _fake.LastMessagesCall.Path.Should().Be("/v1/messages");
    }

    private ApiFactory Api(params (string Key, string Value)[] overrides)
    {
        var factory = new ApiFactory(_fake.ServiceSettings(ApiFactory.ApiKey, UpstreamModel, overrides));
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private Task<HttpResponseMessage> Chat(string json) =>
        _client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<List<(string Event, string Data)>> QuestionStream(string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/question/stream") { Content = JsonContent.Create(new { text }) };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var events = new List<(string, string)>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
        {
            events.Add((item.EventType, item.Data));
        }

        return events;
    }

    private static string Join(IEnumerable<(string Event, string Data)> events) =>
        string.Concat(events.Where(e => e.Event == "message" && e.Data != "[DONE]").Select(e => Parse(e.Data).GetProperty("text").GetString()));

    private static async Task<JsonElement> OkBody(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return Parse(text);
    }

    private static async Task<List<JsonElement>> Chunks(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        var data = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        data.Should().NotBeEmpty().And.HaveElementAt(data.Count - 1, "[DONE]");
        return [.. data.SkipLast(1).Select(Parse)];
    }

    private static bool HasNoUsage(JsonElement chunk) => !chunk.TryGetProperty("usage", out var usage) || usage.ValueKind == JsonValueKind.Null;

    private static void ShouldEqualJson(JsonElement actual, string expected) =>
        JsonElement.DeepEquals(actual, Parse(expected)).Should().BeTrue("{0} should be {1}", actual.GetRawText(), expected);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
