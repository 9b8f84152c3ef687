using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = OpenAI.Chat.ChatMessage;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace Chatbot.IntegrationTests;

/// <summary>
/// Clients nobody here wrote, pointed at the service: OpenAI's .NET SDK (tools, a tool round trip, streamed tool
/// calls, a JSON schema format, an image part, streamed usage) and Microsoft.Extensions.AI's automatic function
/// calling over OpenAI's <c>IChatClient</c>. Each asserts what the client got and what the fake provider received.
/// </summary>
public sealed class OpenAiSdkToolTests : FakeUpstreamFixture
{
    protected override bool OnKestrel => true;

    private const string Schema = """
        {"type":"object","properties":{"city":{"type":"string","minLength":2}},"required":["city"],"additionalProperties":false}
        """;

    private ChatClient Chat => new(
        ApiFactory.Model,
        new ApiKeyCredential("any-client-key"),
        new OpenAIClientOptions { Endpoint = new Uri(Client.BaseAddress!, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    private static FakeResponse ToolCall(string id, string name, string arguments) => FakeResponse.Raw($$$"""
        {"id":"chatcmpl-t","object":"chat.completion","created":1,"model":"{{{ApiFactory.Model}}}",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
           {"id":"{{{id}}}","type":"function","function":{"name":"{{{name}}}","arguments":{{{JsonSerializer.Serialize(arguments)}}}}}]},
          "finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}
        """);

    private static string Chunk(string choice) =>
        "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + ApiFactory.Model + "\",\"choices\":[" + choice + "]}\n\n";

    // The tool call in three pieces: the call with its name, then its arguments in two halves.
    private static FakeResponse StreamedToolCall(string id, string name, string arguments)
    {
        var half = arguments.Length / 2;
        return FakeResponse.Raw(
            Chunk($$$"""{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"{{{id}}}","type":"function","function":{"name":"{{{name}}}","arguments":""}}]},"finish_reason":null}""")
            + Chunk($$$"""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":{{{JsonSerializer.Serialize(arguments[..half])}}}}}]},"finish_reason":null}""")
            + Chunk($$$"""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":{{{JsonSerializer.Serialize(arguments[half..])}}}}}]},"finish_reason":null}""")
            + Chunk("""{"index":0,"delta":{},"finish_reason":"tool_calls"}""")
            + "data: [DONE]\n\n",
            "text/event-stream");
    }

    private static FakeResponse StreamedText(params string[] pieces) => FakeResponse.Raw(
        Chunk("""{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}""")
        + string.Concat(pieces.Select(p => Chunk($$$"""{"index":0,"delta":{"content":{{{JsonSerializer.Serialize(p)}}}},"finish_reason":null}""")))
        + Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}""")
        + "data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + ApiFactory.Model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}\n\n"
        + "data: [DONE]\n\n",
        "text/event-stream");

    [Test]
    public async Task The_openai_sdk_makes_a_tool_round_trip()
    {
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather in a city.", BinaryData.FromString(Schema), functionSchemaIsStrict: true);
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateAutoChoice() };
        List<ChatMessage> messages = [new UserChatMessage("Weather in Paris?")];
        Fake.Enqueue(ToolCall("call_1", "get_weather", """{"city":"Paris"}"""));
        Fake.Enqueue(FakeResponse.Completion("It is sunny in Paris."));

        ChatCompletion first = await Chat.CompleteChatAsync(messages, options);
        first.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        var call = first.ToolCalls.Should().ContainSingle().Subject;
        call.Id.Should().Be("call_1");
        call.FunctionName.Should().Be("get_weather");
        call.FunctionArguments.ToString().Should().Be("""{"city":"Paris"}""");
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, """{"sky":"sunny"}"""));
        ChatCompletion second = await Chat.CompleteChatAsync(messages, options);

        second.Content.Should().ContainSingle().Which.Text.Should().Be("It is sunny in Paris.");
        var turn1 = Fake.Received[0].BodyJson;
        var sentTool = turn1.GetProperty("tools")[0].GetProperty("function");
        sentTool.GetProperty("name").GetString().Should().Be("get_weather");
        sentTool.GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("minLength").GetInt32().Should().Be(2);
        sentTool.GetProperty("strict").GetBoolean().Should().BeTrue();
        turn1.GetProperty("tool_choice").GetString().Should().Be("auto");
        var turn2 = Fake.Received[1].BodyJson.GetProperty("messages");
        turn2.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant", "tool");
        turn2[1].GetProperty("tool_calls")[0].GetProperty("id").GetString().Should().Be("call_1");
        turn2[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString().Should().Be("""{"city":"Paris"}""");
        turn2[2].GetProperty("tool_call_id").GetString().Should().Be("call_1");
        turn2[2].GetProperty("content").ValueKind.Should().BeOneOf(JsonValueKind.String, JsonValueKind.Array);
        turn2[2].GetProperty("content").ToString().Should().Contain("sunny");
    }

    [Test]
    public async Task The_openai_sdk_gets_streamed_tool_calls_in_pieces_it_can_assemble()
    {
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather.", BinaryData.FromString(Schema));
        Fake.Enqueue(StreamedToolCall("call_7", "get_weather", """{"city":"Oslo"}"""));

        var names = new List<string>();
        var ids = new List<string>();
        var arguments = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")], new ChatCompletionOptions { Tools = { tool } }))
        {
            foreach (var piece in update.ToolCallUpdates)
            {
                piece.Index.Should().Be(0);
                if (piece.FunctionName is { } name)
                {
                    names.Add(name);
                }

                if (piece.ToolCallId is { } id)
                {
                    ids.Add(id);
                }

                arguments.Append(piece.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        names.Should().Equal("get_weather");
        ids.Should().Equal("call_7");
        arguments.ToString().Should().Be("""{"city":"Oslo"}""");
        finish.Should().Be(ChatFinishReason.ToolCalls);
    }

    [Test]
    public async Task The_openai_sdk_s_json_schema_format_reaches_the_provider_whole()
    {
        Fake.Enqueue(FakeResponse.Completion("""{"city":"Paris"}"""));
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("place", BinaryData.FromString(Schema), "A place.", jsonSchemaIsStrict: true),
        };

        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("Where is the Louvre?")], options);

        JsonDocument.Parse(completion.Content[0].Text).RootElement.GetProperty("city").GetString().Should().Be("Paris");
        var format = Fake.Received.Should().ContainSingle().Subject.BodyJson.GetProperty("response_format");
        format.GetProperty("type").GetString().Should().Be("json_schema");
        format.GetProperty("json_schema").GetProperty("name").GetString().Should().Be("place");
        format.GetProperty("json_schema").GetProperty("strict").GetBoolean().Should().BeTrue();
        JsonElement.DeepEquals(format.GetProperty("json_schema").GetProperty("schema"), JsonDocument.Parse(Schema).RootElement).Should().BeTrue();
    }

    [Test]
    public async Task The_openai_sdk_s_image_part_reaches_the_provider_with_its_detail()
    {
        Fake.Enqueue(FakeResponse.Completion("A red dot."));
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

        await Chat.CompleteChatAsync([new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("What is in it?"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(png), "image/png", ChatImageDetailLevel.Low))]);

        var content = Fake.Received.Should().ContainSingle().Subject.BodyJson.GetProperty("messages")[0].GetProperty("content");
        content[0].GetProperty("text").GetString().Should().Be("What is in it?");
        content[1].GetProperty("type").GetString().Should().Be("image_url");
        content[1].GetProperty("image_url").GetProperty("url").GetString().Should().Be("data:image/png;base64," + Convert.ToBase64String(png));
        content[1].GetProperty("image_url").GetProperty("detail").GetString().Should().Be("low");
    }

    [Test]
    public async Task The_openai_sdk_gets_the_usage_of_a_streamed_answer()
    {
        Fake.Enqueue(StreamedText("Bonjour", " !"));

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Say hello in French.")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
        }

        text.ToString().Should().Be("Bonjour !");
        usage.Should().NotBeNull("the SDK asks for stream_options.include_usage and the service passes the usage chunk on");
        usage!.InputTokenCount.Should().Be(11);
        usage.OutputTokenCount.Should().Be(3);
        Fake.Received.Should().ContainSingle().Which.BodyJson.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
    }

    [Test]
    public async Task Microsoft_extensions_ai_runs_a_whole_function_calling_loop_through_the_service()
    {
        var asked = new List<string>();
        var weather = AIFunctionFactory.Create((string city) => { asked.Add(city); return $"sunny in {city}"; }, "get_weather", "The weather in a city.");
        using var client = new ChatClientBuilder(Chat.AsIChatClient()).UseFunctionInvocation().Build();
        Fake.Enqueue(ToolCall("call_m1", "get_weather", """{"city":"Paris"}"""));
        Fake.Enqueue(FakeResponse.Completion("It is sunny in Paris."));

        var response = await client.GetResponseAsync([new AiChatMessage(AiChatRole.User, "Weather in Paris?")], new ChatOptions { Tools = [weather] });

        response.Text.Should().Be("It is sunny in Paris.");
        asked.Should().Equal("Paris");
        Fake.Received.Should().HaveCount(2);
        Fake.Received[0].BodyJson.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString().Should().Be("get_weather");
        var turn2 = Fake.Received[1].BodyJson.GetProperty("messages");
        turn2.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant", "tool");
        turn2[1].GetProperty("tool_calls")[0].GetProperty("id").GetString().Should().Be("call_m1");
        turn2[2].GetProperty("tool_call_id").GetString().Should().Be("call_m1");
        turn2[2].GetProperty("content").ToString().Should().Contain("sunny in Paris");
    }

    [Test]
    public async Task Microsoft_extensions_ai_runs_the_loop_over_streamed_tool_calls()
    {
        var asked = new List<string>();
        var weather = AIFunctionFactory.Create((string city) => { asked.Add(city); return $"rainy in {city}"; }, "get_weather", "The weather in a city.");
        using var client = new ChatClientBuilder(Chat.AsIChatClient()).UseFunctionInvocation().Build();
        Fake.Enqueue(StreamedToolCall("call_s1", "get_weather", """{"city":"Bergen"}"""));
        Fake.Enqueue(StreamedText("It is rainy", " in Bergen."));

        var text = new System.Text.StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync([new AiChatMessage(AiChatRole.User, "Weather in Bergen?")], new ChatOptions { Tools = [weather] }))
        {
            text.Append(update.Text);
        }

        asked.Should().Equal("Bergen");
        text.ToString().Should().Be("It is rainy in Bergen.");
        var turn2 = Fake.Received.Should().HaveCount(2).And.Subject.Last().BodyJson.GetProperty("messages");
        turn2[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString().Should().Contain("Bergen");
        turn2[2].GetProperty("tool_call_id").GetString().Should().Be("call_s1");
    }
}
