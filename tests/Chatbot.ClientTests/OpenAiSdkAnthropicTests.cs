using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace Chatbot.ClientTests;

/// <summary>
/// OpenAI's official .NET SDK against <c>/v1/chat/completions</c> served by Claude through the native Anthropic adapter
/// (a fake Messages API here): an OpenAI client needs to know nothing of Anthropic, plain or streamed.
/// </summary>
public sealed class OpenAiSdkAnthropicTests
{
    private const string Model = "claude-client-test";

    private FakeAnthropicServer _fake = null!;
    private ApiServer _api = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _fake = await FakeAnthropicServer.StartAsync();
        _api = ApiServer.StartFor(_fake, Model);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _api.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [SetUp]
    public void Reset() => _fake.Reset();

    private ChatClient Chat => new(
        Model,
        new ApiKeyCredential("any-client-key"),
        new OpenAIClientOptions { Endpoint = new Uri(_api.Address, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    [Test]
    public async Task A_plain_answer_and_a_tool_call_read_as_openai_s()
    {
        _fake.Enqueue(
            FakeAnthropicResponse.Text("Paris is the capital of France.") with { InputTokens = 12, OutputTokens = 8 },
            FakeAnthropicResponse.ToolUse("toolu_42", "get_weather", """{"city":"Paris"}"""));

        ChatCompletion plain = await Chat.CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Capital of France?")]);

        plain.Content.Should().ContainSingle().Which.Text.Should().Be("Paris is the capital of France.");
        plain.FinishReason.Should().Be(ChatFinishReason.Stop);
        plain.Model.Should().Be(Model);
        plain.Id.Should().StartWith("msg_fake_");
        plain.Usage.InputTokenCount.Should().Be(12);
        plain.Usage.OutputTokenCount.Should().Be(8);
        var sent = _fake.LastMessagesCall.BodyJson;
        sent.GetProperty("system")[0].GetProperty("text").GetString().Should().Be("Be brief.");
        sent.GetProperty("max_tokens").GetInt32().Should().Be(4096);

        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        ChatCompletion call = await Chat.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], new ChatCompletionOptions { Tools = { tool } });

        call.FinishReason.Should().Be(ChatFinishReason.ToolCalls);
        var toolCall = call.ToolCalls.Should().ContainSingle().Subject;
        toolCall.Id.Should().Be("toolu_42");
        toolCall.FunctionName.Should().Be("get_weather");
        toolCall.FunctionArguments.ToString().Should().Be("""{"city":"Paris"}""");
    }

    [Test]
    public async Task A_streamed_answer_reads_as_openai_s_updates()
    {
        _fake.Enqueue(FakeAnthropicResponse.Text("One two three four."));

        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Count.")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        text.ToString().Should().Be("One two three four.");
        updates.Should().BeGreaterThan(2, "the pieces come as Anthropic streamed them");
        finish.Should().Be(ChatFinishReason.Stop);
        _fake.LastMessagesCall.BodyJson.GetProperty("stream").GetBoolean().Should().BeTrue();
    }

    [Test]
    public async Task A_field_claude_cannot_take_is_an_sdk_error_naming_it()
    {
        var act = () => Chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { FrequencyPenalty = 0.5f });

        var error = (await act.Should().ThrowAsync<ClientResultException>()).Which;
        error.Status.Should().Be(400);
        error.Message.Should().Contain("frequency_penalty");
        _fake.MessagesCalls.Should().Be(0);
    }
}
