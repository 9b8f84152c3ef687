using System.Text;
using System.Text.Json.Nodes;

namespace Chatbot.ClientTests;

/// <summary>
/// OpenAI's official npm SDK (<c>openai</c>, pinned in <c>npm/package-lock.json</c>) against <c>/v1</c> on real
/// Kestrel, over a fake upstream: tools, a tool round trip, streamed tool calls, a json_schema response format, an
/// image part and streamed usage pass through the service unchanged, both ways. Each test runs
/// <c>node npm/openai-sdk.mjs &lt;base&gt; &lt;case&gt;</c> and checks what the SDK got and what the upstream was sent.
/// </summary>
public sealed class OpenAiNpmSdkTests
{
    private const string Model = "test-model";

    // The get_weather tool's parameters exactly as openai-sdk.mjs sends them.
    private const string WeatherParameters = """
        {"type":"object",
         "properties":{"city":{"type":"string","minLength":2,"description":"The city name."},
                       "days":{"type":"integer","enum":[1,3,7]}},
         "required":["city","days"],
         "additionalProperties":false}
        """;

    // The json-schema case's schema exactly as openai-sdk.mjs sends it.
    private const string WeatherSchema = """
        {"type":"object",
         "properties":{"city":{"type":"string","minLength":1},
                       "celsius":{"type":"number"},
                       "sky":{"type":"string","enum":["sunny","cloudy","rain"]}},
         "required":["city","celsius","sky"],
         "additionalProperties":false}
        """;

    // The 1x1 PNG of the image case.
    private const string PixelUrl =
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private FakeProviderServer _fake = null!;
    private ApiServer _api = null!;

    private Uri BaseUrl => new(_api.Address, "v1");

    [OneTimeSetUp]
    public async Task Start()
    {
        // Fails (not skips) when node or npm is missing: CI's machines have both.
        await NpmSdk.InstallAsync();
        _fake = await FakeProviderServer.StartAsync();
        _api = ApiServer.StartFor(_fake);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    [SetUp]
    public void ResetFake() => _fake?.Reset();

    [Test]
    public async Task A_tool_round_trip_reaches_the_upstream_and_the_sdk_unchanged()
    {
        _fake.Enqueue(
            FakeResponse.Raw(Completion(
                new { role = "assistant", content = (string?)null, tool_calls = new[] { ToolCall("call_weather_1", """{"city":"Paris","days":3}""") } },
                "tool_calls", promptTokens: 40, completionTokens: 12)),
            FakeResponse.Raw(Completion(
                new { role = "assistant", content = "It is sunny in Paris, 21 °C, for the next 3 days." },
                "stop", promptTokens: 61, completionTokens: 14)));

        var result = await NpmSdk.RunCaseAsync(BaseUrl, "tool-round-trip");

        // What the SDK got.
        var turn1 = result.GetProperty("turn1");
        turn1.GetProperty("finish_reason").GetString().Should().Be("tool_calls");
        turn1.GetProperty("content").ValueKind.Should().Be(JsonValueKind.Null);
        var call = turn1.GetProperty("tool_calls").EnumerateArray().Should().ContainSingle().Subject;
        call.GetProperty("id").GetString().Should().Be("call_weather_1");
        call.GetProperty("type").GetString().Should().Be("function");
        call.GetProperty("name").GetString().Should().Be("get_weather");
        call.GetProperty("arguments").GetString().Should().Be("""{"city":"Paris","days":3}""");
        var turn2 = result.GetProperty("turn2");
        turn2.GetProperty("finish_reason").GetString().Should().Be("stop");
        turn2.GetProperty("content").GetString().Should().Be("It is sunny in Paris, 21 °C, for the next 3 days.");
        ShouldBeUsage(turn2.GetProperty("usage"), 61, 14);

        // What the upstream was sent.
        var sent = _fake.Received.Select(r => r.BodyJson).ToList();
        sent.Should().HaveCount(2);
        ShouldCarryTheWeatherTool(sent[0]);
        sent[0].GetProperty("tool_choice").GetString().Should().Be("auto");
        sent[0].GetProperty("messages").GetArrayLength().Should().Be(1);

        ShouldCarryTheWeatherTool(sent[1]);
        var messages = sent[1].GetProperty("messages");
        messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant", "tool");
        var assistant = messages[1];
        (!assistant.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            .Should().BeTrue($"the assistant's content was null; the upstream got {assistant}");
        var echoed = assistant.GetProperty("tool_calls").EnumerateArray().Should().ContainSingle().Subject;
        echoed.GetProperty("id").GetString().Should().Be("call_weather_1");
        echoed.GetProperty("type").GetString().Should().Be("function");
        echoed.GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        echoed.GetProperty("function").GetProperty("arguments").GetString().Should().Be("""{"city":"Paris","days":3}""");
        var tool = messages[2];
        tool.GetProperty("tool_call_id").GetString().Should().Be("call_weather_1");
        JsonNode.DeepEquals(
                JsonNode.Parse(tool.GetProperty("content").GetString()!),
                JsonNode.Parse("""{"city":"Paris","days":3,"forecast":"sunny","celsius":21}"""))
            .Should().BeTrue($"the tool's result reaches the upstream as the SDK sent it; it got {tool}");
    }

    [Test]
    public async Task Streamed_tool_call_deltas_reach_the_sdk_which_assembles_the_call()
    {
        _fake.Enqueue(FakeResponse.Raw(
            Sse(
                Chunk(new { role = "assistant", content = (string?)null, tool_calls = new object[] { new { index = 0, id = "call_stream_1", type = "function", function = new { name = "get_weather", arguments = "" } } } }),
                Chunk(new { tool_calls = new object[] { new { index = 0, function = new { arguments = "{\"city\":" } } } }),
                Chunk(new { tool_calls = new object[] { new { index = 0, function = new { arguments = "\"Paris\",\"da" } } } }),
                Chunk(new { tool_calls = new object[] { new { index = 0, function = new { arguments = "ys\":3}" } } } }),
                Chunk(new { }, "tool_calls")),
            "text/event-stream"));

        var result = await NpmSdk.RunCaseAsync(BaseUrl, "stream-tools");

        // What the SDK got: the deltas one by one, assembled by the script and by the SDK's own helper alike.
        result.GetProperty("tool_deltas").GetInt32().Should().Be(4, "the four tool-call deltas arrive as four deltas");
        result.GetProperty("finish_reason").GetString().Should().Be("tool_calls");
        var assembled = result.GetProperty("tool_calls").EnumerateArray().Should().ContainSingle().Subject;
        assembled.GetProperty("index").GetInt32().Should().Be(0);
        assembled.GetProperty("id").GetString().Should().Be("call_stream_1");
        assembled.GetProperty("type").GetString().Should().Be("function");
        assembled.GetProperty("name").GetString().Should().Be("get_weather");
        assembled.GetProperty("arguments").GetString().Should().Be("""{"city":"Paris","days":3}""");
        var final = result.GetProperty("final");
        final.GetProperty("finish_reason").GetString().Should().Be("tool_calls");
        var call = final.GetProperty("tool_calls").EnumerateArray().Should().ContainSingle().Subject;
        call.GetProperty("id").GetString().Should().Be("call_stream_1");
        call.GetProperty("name").GetString().Should().Be("get_weather");
        call.GetProperty("arguments").GetString().Should().Be("""{"city":"Paris","days":3}""");
        var parsed = final.GetProperty("parsed_arguments").EnumerateArray().Should().ContainSingle().Subject;
        parsed.GetProperty("city").GetString().Should().Be("Paris");
        parsed.GetProperty("days").GetInt32().Should().Be(3);

        // What the upstream was sent.
        var sent = _fake.Received.Should().ContainSingle().Subject.BodyJson;
        sent.GetProperty("stream").GetBoolean().Should().BeTrue();
        ShouldCarryTheWeatherTool(sent);
        sent.GetProperty("tool_choice").GetString().Should().Be("auto");
    }

    [Test]
    public async Task A_json_schema_response_format_reaches_the_upstream_unchanged()
    {
        const string answer = """{"city":"Paris","celsius":21.5,"sky":"sunny"}""";
        _fake.Enqueue(FakeResponse.Raw(Completion(new { role = "assistant", content = answer }, "stop")));

        var result = await NpmSdk.RunCaseAsync(BaseUrl, "json-schema");

        // What the SDK got.
        result.GetProperty("finish_reason").GetString().Should().Be("stop");
        result.GetProperty("content").GetString().Should().Be(answer);
        result.GetProperty("parsed").GetProperty("celsius").GetDouble().Should().Be(21.5);

        // What the upstream was sent.
        var format = _fake.Received.Should().ContainSingle().Subject.BodyJson.GetProperty("response_format");
        format.GetProperty("type").GetString().Should().Be("json_schema");
        var jsonSchema = format.GetProperty("json_schema");
        jsonSchema.GetProperty("name").GetString().Should().Be("weather");
        jsonSchema.GetProperty("strict").GetBoolean().Should().BeTrue();
        var schema = jsonSchema.GetProperty("schema");
        schema.GetProperty("properties").GetProperty("city").GetProperty("minLength").GetInt32().Should().Be(1);
        ShouldBeJson(schema, WeatherSchema, "the schema reaches the upstream as the SDK sent it");
    }

    [Test]
    public async Task An_image_part_reaches_the_upstream_with_its_url_and_detail()
    {
        _fake.Enqueue(FakeResponse.Raw(Completion(
            new { role = "assistant", content = "A single transparent pixel." }, "stop", promptTokens: 90, completionTokens: 6)));

        var result = await NpmSdk.RunCaseAsync(BaseUrl, "image");

        // What the SDK got.
        result.GetProperty("finish_reason").GetString().Should().Be("stop");
        result.GetProperty("content").GetString().Should().Be("A single transparent pixel.");
        ShouldBeUsage(result.GetProperty("usage"), 90, 6);

        // What the upstream was sent.
        var message = _fake.Received.Should().ContainSingle().Subject.BodyJson.GetProperty("messages")
            .EnumerateArray().Should().ContainSingle().Subject;
        message.GetProperty("role").GetString().Should().Be("user");
        var parts = message.GetProperty("content");
        parts.EnumerateArray().Select(p => p.GetProperty("type").GetString()).Should().Equal("text", "image_url");
        parts[0].GetProperty("text").GetString().Should().Be("What is in this picture?");
        var image = parts[1].GetProperty("image_url");
        image.GetProperty("url").GetString().Should().Be(PixelUrl);
        image.GetProperty("detail").GetString().Should().Be("low");
    }

    [Test]
    public async Task Streamed_usage_reaches_the_sdk_in_the_last_chunk()
    {
        _fake.Enqueue(FakeResponse.Raw(
            Sse(
                Chunk(new { role = "assistant", content = "" }),
                Chunk(new { content = "Once " }),
                Chunk(new { content = "upon " }),
                Chunk(new { content = "a time." }),
                Chunk(new { }, "stop"),
                UsageChunk(promptTokens: 11, completionTokens: 4)),
            "text/event-stream"));

        var result = await NpmSdk.RunCaseAsync(BaseUrl, "stream-usage");

        // What the SDK got.
        result.GetProperty("content").GetString().Should().Be("Once upon a time.");
        result.GetProperty("finish_reason").GetString().Should().Be("stop");
        result.GetProperty("last_chunk_choices").GetInt32().Should().Be(0, "OpenAI's usage chunk has no choices");
        ShouldBeUsage(result.GetProperty("usage"), 11, 4);

        // What the upstream was sent.
        var sent = _fake.Received.Should().ContainSingle().Subject.BodyJson;
        sent.GetProperty("stream").GetBoolean().Should().BeTrue();
        sent.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
    }

    private static void ShouldCarryTheWeatherTool(JsonElement request)
    {
        var tool = request.GetProperty("tools").EnumerateArray().Should().ContainSingle().Subject;
        tool.GetProperty("type").GetString().Should().Be("function");
        var function = tool.GetProperty("function");
        function.GetProperty("name").GetString().Should().Be("get_weather");
        function.GetProperty("description").GetString().Should().Be("The current weather in a city.");
        function.GetProperty("strict").GetBoolean().Should().BeTrue();
        var parameters = function.GetProperty("parameters");
        var properties = parameters.GetProperty("properties");
        properties.GetProperty("city").GetProperty("minLength").GetInt32().Should().Be(2);
        var days = properties.GetProperty("days").GetProperty("enum");
        days.EnumerateArray().Select(v => v.ValueKind).Should().AllSatisfy(kind => kind.Should().Be(JsonValueKind.Number));
        days.EnumerateArray().Select(v => v.GetInt32()).Should().Equal(1, 3, 7);
        ShouldBeJson(parameters, WeatherParameters, "the tool's parameters reach the upstream as the SDK sent them");
    }

    private static void ShouldBeJson(JsonElement actual, string expected, string because) =>
        JsonNode.DeepEquals(JsonNode.Parse(actual.GetRawText()), JsonNode.Parse(expected))
            .Should().BeTrue($"{because}; the upstream got {actual.GetRawText()}");

    private static void ShouldBeUsage(JsonElement usage, int promptTokens, int completionTokens)
    {
        usage.GetProperty("prompt_tokens").GetInt32().Should().Be(promptTokens);
        usage.GetProperty("completion_tokens").GetInt32().Should().Be(completionTokens);
        usage.GetProperty("total_tokens").GetInt32().Should().Be(promptTokens + completionTokens);
    }

    private static object ToolCall(string id, string arguments) =>
        new { id, type = "function", function = new { name = "get_weather", arguments } };

    private static string Completion(object message, string finishReason, int promptTokens = 5, int completionTokens = 7) =>
        JsonSerializer.Serialize(new
        {
            id = "chatcmpl-npm-1",
            @object = "chat.completion",
            created = 1_700_000_000,
            model = Model,
            choices = new[] { new { index = 0, message, finish_reason = finishReason } },
            usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
        });

    private static object Chunk(object delta, string? finishReason = null) => new
    {
        id = "chatcmpl-npm-stream",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = Model,
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    };

    private static object UsageChunk(int promptTokens, int completionTokens) => new
    {
        id = "chatcmpl-npm-stream",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = Model,
        choices = Array.Empty<object>(),
        usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
    };

    private static string Sse(params object[] chunks)
    {
        var body = new StringBuilder();
        foreach (var chunk in chunks)
        {
            body.Append("data: ").Append(JsonSerializer.Serialize(chunk)).Append("\n\n");
        }

        return body.Append("data: [DONE]\n\n").ToString();
    }
}
