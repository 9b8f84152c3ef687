using System.Net;
using System.Text.Json;

namespace Chatbot.IntegrationTests;

/// <summary>
/// /v1/chat/completions as a faithful OpenAI surface: every field reaches the provider with the client's value, and
/// every part of the provider's answer (choices, tool calls, logprobs, refusals, usage, id, model) comes back, plain
/// and streamed. Raw HTTP on both sides, so nothing a client library adds or drops hides a loss.
/// </summary>
public sealed class OpenAiFidelityTests : FakeUpstreamFixture
{
    protected override bool OnKestrel => true;

    // A schema with what Betalgo's PropertyDefinition would cut: minLength, allOf, default, a numeric enum.
    private const string Schema = """
        {"type":"object","properties":{"city":{"type":"string","minLength":2,"default":"Paris"},
         "days":{"type":"integer","enum":[1,3,7]},"unit":{"allOf":[{"type":"string"},{"enum":["c","f"]}]}},
         "required":["city","days","unit"],"additionalProperties":false}
        """;

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static FakeResponse Events(params string[] chunks) =>
        FakeResponse.Raw(string.Concat(chunks.Select(c => "data: " + c.ReplaceLineEndings(" ") + "\n\n")) + "data: [DONE]\n\n", "text/event-stream");

    private JsonElement Sent => Fake.Received.Should().ContainSingle().Subject.BodyJson;

    private static async Task<JsonElement> BodyOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<JsonElement>> ChunksOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        var data = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        data.Should().NotBeEmpty().And.HaveElementAt(data.Count - 1, "[DONE]");
        return [.. data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement.Clone())];
    }

    [Test]
    public async Task Every_known_field_reaches_the_provider_with_the_client_s_value()
    {
        Fake.Enqueue(FakeResponse.Completion("ok"));

        await BodyOf(await Client.PostAsync("/v1/chat/completions", Json("""
            {"model":"MODEL",
             "messages":[{"role":"developer","content":"Be brief.","name":"app"},{"role":"user","content":"Weather?","name":"ann"}],
             "temperature":0.1,"top_p":0.9,"n":2,"stop":["\n\n","END"],"seed":12345678901,"presence_penalty":0.5,
             "frequency_penalty":-0.5,"logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":3,"user":"user-42",
             "reasoning_effort":"low","service_tier":"flex","store":true,"metadata":{"team":"search"},
             "max_completion_tokens":300,
             "tools":[{"type":"function","function":{"name":"get_weather","description":"The weather.","parameters":SCHEMA,"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"forecast","description":"A forecast.","schema":SCHEMA,"strict":true}}}
            """.Replace("MODEL", ApiFactory.Model, StringComparison.Ordinal).Replace("SCHEMA", Schema, StringComparison.Ordinal))));

        var sent = Sent;
        sent.GetProperty("model").GetString().Should().Be(ApiFactory.Model);
        var messages = sent.GetProperty("messages");
        messages[0].GetProperty("role").GetString().Should().Be("developer", "developer is not rewritten to system");
        messages[0].GetProperty("name").GetString().Should().Be("app");
        messages[1].GetProperty("name").GetString().Should().Be("ann");
        sent.GetProperty("temperature").GetDouble().Should().BeApproximately(0.1, 1e-6);
        sent.GetProperty("top_p").GetDouble().Should().BeApproximately(0.9, 1e-6);
        sent.GetProperty("n").GetInt32().Should().Be(2);
        sent.GetProperty("stop").EnumerateArray().Select(s => s.GetString()).Should().Equal("\n\n", "END");
        sent.GetProperty("seed").GetInt64().Should().Be(12345678901, "a seed past 32 bits is not cut");
        sent.GetProperty("presence_penalty").GetDouble().Should().BeApproximately(0.5, 1e-6);
        sent.GetProperty("frequency_penalty").GetDouble().Should().BeApproximately(-0.5, 1e-6);
        sent.GetProperty("logit_bias").GetProperty("50256").GetInt32().Should().Be(-100);
        sent.GetProperty("logprobs").GetBoolean().Should().BeTrue();
        sent.GetProperty("top_logprobs").GetInt32().Should().Be(3);
        sent.GetProperty("user").GetString().Should().Be("user-42");
        sent.GetProperty("reasoning_effort").GetString().Should().Be("low");
        sent.GetProperty("service_tier").GetString().Should().Be("flex");
        sent.GetProperty("store").GetBoolean().Should().BeTrue();
        sent.GetProperty("metadata").GetProperty("team").GetString().Should().Be("search");
        sent.GetProperty("max_completion_tokens").GetInt32().Should().Be(300);
        sent.TryGetProperty("max_tokens", out _).Should().BeFalse("max_completion_tokens is not rewritten, and LLM_MAX_TOKENS does not add one");
        var tool = sent.GetProperty("tools").EnumerateArray().Should().ContainSingle().Subject;
        tool.GetProperty("type").GetString().Should().Be("function");
        tool.GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        tool.GetProperty("function").GetProperty("description").GetString().Should().Be("The weather.");
        tool.GetProperty("function").GetProperty("strict").GetBoolean().Should().BeTrue();
        JsonElement.DeepEquals(tool.GetProperty("function").GetProperty("parameters"), JsonDocument.Parse(Schema).RootElement)
            .Should().BeTrue("the schema reaches the provider as it was written: {0}", tool.GetProperty("function").GetProperty("parameters"));
        sent.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        sent.GetProperty("parallel_tool_calls").GetBoolean().Should().BeFalse();
        var format = sent.GetProperty("response_format");
        format.GetProperty("type").GetString().Should().Be("json_schema");
        format.GetProperty("json_schema").GetProperty("name").GetString().Should().Be("forecast");
        format.GetProperty("json_schema").GetProperty("description").GetString().Should().Be("A forecast.");
        format.GetProperty("json_schema").GetProperty("strict").GetBoolean().Should().BeTrue();
        JsonElement.DeepEquals(format.GetProperty("json_schema").GetProperty("schema"), JsonDocument.Parse(Schema).RootElement).Should().BeTrue();
    }

    [Test]
    public async Task The_configured_defaults_apply_only_where_the_client_sent_nothing()
    {
        Fake.Enqueue(FakeResponse.Completion("a"));
        Fake.Enqueue(FakeResponse.Completion("b"));

        await BodyOf(await Client.PostAsync("/v1/chat/completions", Json("""{"messages":[{"role":"user","content":"hi"}]}""")));
        await BodyOf(await Client.PostAsync("/v1/chat/completions", Json("""{"messages":[{"role":"user","content":"hi"}],"temperature":0}""")));

        Fake.Received[0].BodyJson.GetProperty("temperature").GetDouble().Should().BeApproximately(0.7, 1e-6, "LLM_TEMPERATURE when the client sends none");
        Fake.Received[1].BodyJson.GetProperty("temperature").GetDouble().Should().Be(0, "the client's 0 is a value, not an absence");
    }

    [Test]
    public async Task A_plain_answer_comes_back_whole_every_choice_with_tool_calls_logprobs_usage_id_and_fingerprint()
    {
        Fake.Enqueue(FakeResponse.Raw("""
            {"id":"chatcmpl-provider-7","object":"chat.completion","created":1700000000,"model":"test-model-2024-08-06",
             "system_fingerprint":"fp_abc123","service_tier":"default",
             "choices":[
              {"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"},
              {"index":1,"message":{"role":"assistant","content":"Sunny"},
               "logprobs":{"content":[{"token":"Sunny","logprob":-0.25,"bytes":[83,117,110,110,121],"top_logprobs":[{"token":"Sunny","logprob":-0.25,"bytes":[83]},{"token":"Rain","logprob":-1.5,"bytes":[82]}]}]},
               "finish_reason":"length"}],
             "usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29,
              "prompt_tokens_details":{"cached_tokens":12},"completion_tokens_details":{"reasoning_tokens":4}}}
            """));

        var answer = await BodyOf(await Client.PostAsync("/v1/chat/completions", Json(
            """{"messages":[{"role":"user","content":"Weather in Paris and Oslo?"}],"n":2,"logprobs":true,"top_logprobs":2}""")));

        answer.GetProperty("id").GetString().Should().Be("chatcmpl-provider-7");
        answer.GetProperty("created").GetInt64().Should().Be(1700000000);
        answer.GetProperty("model").GetString().Should().Be("test-model-2024-08-06", "the provider's model is kept");
        answer.GetProperty("system_fingerprint").GetString().Should().Be("fp_abc123");
        answer.GetProperty("service_tier").GetString().Should().Be("default");
        var choices = answer.GetProperty("choices");
        choices.GetArrayLength().Should().Be(2);
        var first = choices[0];
        first.GetProperty("finish_reason").GetString().Should().Be("tool_calls");
        first.GetProperty("message").GetProperty("content").ValueKind.Should().Be(JsonValueKind.Null, "tool calls with null content are an answer");
        var calls = first.GetProperty("message").GetProperty("tool_calls");
        calls.EnumerateArray().Select(c => c.GetProperty("id").GetString()).Should().Equal("call_1", "call_2");
        calls[1].GetProperty("type").GetString().Should().Be("function");
        calls[1].GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        calls[1].GetProperty("function").GetProperty("arguments").GetString().Should().Be("""{"city":"Oslo"}""");
        var second = choices[1];
        second.GetProperty("index").GetInt32().Should().Be(1);
        second.GetProperty("finish_reason").GetString().Should().Be("length");
        second.GetProperty("message").GetProperty("content").GetString().Should().Be("Sunny");
        var token = second.GetProperty("logprobs").GetProperty("content")[0];
        token.GetProperty("token").GetString().Should().Be("Sunny");
        token.GetProperty("logprob").GetDouble().Should().Be(-0.25);
        token.GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32()).Should().Equal(83, 117, 110, 110, 121);
        token.GetProperty("top_logprobs")[1].GetProperty("token").GetString().Should().Be("Rain");
        var usage = answer.GetProperty("usage");
        usage.GetProperty("prompt_tokens").GetInt32().Should().Be(20);
        usage.GetProperty("completion_tokens").GetInt32().Should().Be(9);
        usage.GetProperty("total_tokens").GetInt32().Should().Be(29);
        usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32().Should().Be(12);
        usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32().Should().Be(4);
    }

    [Test]
    public async Task Null_content_without_tool_calls_is_an_answer_on_v1_and_a_502_on_question()
    {
        const string body = """
            {"id":"chatcmpl-r","object":"chat.completion","created":1,"model":"test-model",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":3,"completion_tokens":6,"total_tokens":9}}
            """;
        Fake.Enqueue(FakeResponse.Raw(body));
        Fake.Enqueue(FakeResponse.Raw(body));

        var answer = await BodyOf(await Client.PostAsync("/v1/chat/completions", Json("""{"messages":[{"role":"user","content":"Something bad"}]}""")));
        var question = await Client.PostAsync("/question", Json("""{"text":"Something bad"}"""));

        var choice = answer.GetProperty("choices").EnumerateArray().Should().ContainSingle().Subject;
        choice.GetProperty("message").GetProperty("content").ValueKind.Should().Be(JsonValueKind.Null);
        choice.GetProperty("finish_reason").GetString().Should().Be("stop");
        question.StatusCode.Should().Be(HttpStatusCode.BadGateway, "the original contract: an answer without text is the provider's failure");
    }

    [Test]
    public async Task A_tool_round_trip_reaches_the_provider_as_the_client_wrote_it()
    {
        Fake.Enqueue(FakeResponse.Completion("It is sunny in Paris."));

        var answer = await BodyOf(await Client.PostAsync("/v1/chat/completions", Json("""
            {"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_9","content":"{\"sky\":\"sunny\"}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """)));

        answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString().Should().Be("It is sunny in Paris.");
        var messages = Sent.GetProperty("messages");
        messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant", "tool");
        var call = messages[1].GetProperty("tool_calls").EnumerateArray().Should().ContainSingle().Subject;
        call.GetProperty("id").GetString().Should().Be("call_9");
        call.GetProperty("type").GetString().Should().Be("function");
        call.GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        call.GetProperty("function").GetProperty("arguments").GetString().Should().Be("""{"city":"Paris"}""");
        messages[2].GetProperty("tool_call_id").GetString().Should().Be("call_9");
        messages[2].GetProperty("content").GetString().Should().Be("""{"sky":"sunny"}""");
    }

    [Test]
    public async Task A_stream_passes_every_delta_through_under_one_id_with_the_provider_s_model()
    {
        Fake.Enqueue(Events(
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1700000001,"model":"test-model-x","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null},{"index":1,"delta":{"role":"assistant","content":"Sun"},"finish_reason":null}]}""",
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1700000001,"model":"test-model-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]},"finish_reason":null}]}""",
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1700000001,"model":"test-model-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":null},{"index":1,"delta":{"content":"ny"},"finish_reason":null}]}""",
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1700000001,"model":"test-model-x","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"},{"index":1,"delta":{},"finish_reason":"length"}]}"""));

        var chunks = await ChunksOf(await Client.PostAsync("/v1/chat/completions", Json(
            """{"messages":[{"role":"user","content":"Weather?"}],"n":2,"stream":true,"tools":[{"type":"function","function":{"name":"get_weather"}}]}""")));

        chunks.Select(c => c.GetProperty("id").GetString()).Distinct().Should().Equal("chatcmpl-s1");
        chunks.Select(c => c.GetProperty("created").GetInt64()).Distinct().Should().Equal(1700000001);
        chunks.Select(c => c.GetProperty("model").GetString()).Distinct().Should().Equal("test-model-x");
        chunks.Should().OnlyContain(c => c.GetProperty("object").GetString() == "chat.completion.chunk");
        chunks.Where(c => c.TryGetProperty("usage", out _)).Should().BeEmpty("no usage chunk without stream_options.include_usage");
        var deltas = chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()).ToList();
        var toolPieces = deltas.Where(d => d.GetProperty("index").GetInt32() == 0 && d.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(d => d.GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        toolPieces.Should().HaveCount(3, "each argument piece goes out as it came, not held back to the end");
        toolPieces[0].GetProperty("id").GetString().Should().Be("call_a");
        toolPieces[0].GetProperty("type").GetString().Should().Be("function");
        toolPieces[0].GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        string.Concat(toolPieces.Select(p => p.GetProperty("function").GetProperty("arguments").GetString())).Should().Be("""{"city":"Paris"}""");
        string.Concat(deltas.Where(d => d.GetProperty("index").GetInt32() == 1 && d.GetProperty("delta").TryGetProperty("content", out _))
            .Select(d => d.GetProperty("delta").GetProperty("content").GetString())).Should().Be("Sunny");
        deltas.Where(d => d.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
            .Select(d => (d.GetProperty("index").GetInt32(), d.GetProperty("finish_reason").GetString()))
            .Should().Equal((0, "tool_calls"), (1, "length"));
        chunks[0].GetProperty("system_fingerprint").GetString().Should().Be("fp_1");
    }

    [Test]
    public async Task With_include_usage_the_provider_is_asked_for_usage_and_its_last_chunk_comes_back()
    {
        Fake.Enqueue(Events(
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"test-model","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"test-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"test-model","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9,"prompt_tokens_details":{"cached_tokens":2}}}"""));

        var chunks = await ChunksOf(await Client.PostAsync("/v1/chat/completions", Json(
            """{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""")));

        Sent.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
        var last = chunks[^1];
        last.GetProperty("choices").GetArrayLength().Should().Be(0);
        last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32().Should().Be(8);
        last.GetProperty("usage").GetProperty("completion_tokens").GetInt32().Should().Be(1);
        last.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32().Should().Be(2);
        chunks.SkipLast(1).Where(c => c.TryGetProperty("usage", out _)).Should().BeEmpty();
    }

    [Test]
    public async Task A_streamed_refusal_reaches_the_client_as_refusal_deltas()
    {
        Fake.Enqueue(Events(
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"test-model","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""},"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"test-model","choices":[{"index":0,"delta":{"refusal":"I can't "},"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"test-model","choices":[{"index":0,"delta":{"refusal":"help with that."},"finish_reason":null}]}""",
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"test-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""));

        var chunks = await ChunksOf(await Client.PostAsync("/v1/chat/completions", Json(
            """{"messages":[{"role":"user","content":"Something bad"}],"stream":true}""")));

        string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("refusal", out _)).Select(d => d.GetProperty("refusal").GetString()))
            .Should().Be("I can't help with that.");
        chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString().Should().Be("stop");
    }

    [Test]
    public async Task An_unknown_field_is_refused_with_openai_s_own_answer_and_never_reaches_the_provider()
    {
        var response = await Client.PostAsync("/v1/chat/completions", Json(
            """{"messages":[{"role":"user","content":"hi"}],"prediction":{"type":"content","content":"x"}}"""));

        var error = await BodyOfError(response);
        error.GetProperty("message").GetString().Should().Be("Unrecognized request argument supplied: prediction");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        error.GetProperty("param").GetString().Should().Be("prediction");
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [TestCase("""{"messages":[{"role":"user","content":"q"},{"role":"tool","tool_call_id":"call_x","content":"42"}]}""", "messages[1].tool_call_id")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"n":9}""", "n")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":[]}}}""", "response_format.json_schema.schema")]
    public async Task A_broken_wire_rule_names_its_path(string body, string param)
    {
        var error = await BodyOfError(await Client.PostAsync("/v1/chat/completions", Json(body)));

        error.GetProperty("param").GetString().Should().Be(param);
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    private static async Task<JsonElement> BodyOfError(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
    }
}
