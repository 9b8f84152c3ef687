using System.Text.Json;
using Anthropic.Models.Messages;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Chatbot.Infrastructure.Providers.Anthropic;
using ChatCompletionRequest = Chatbot.Domain.Chat.ChatCompletionRequest;
using ToolChoice = Chatbot.Domain.Chat.ToolChoice;

namespace Chatbot.UnitTests.Infrastructure.Providers.Anthropic;

/// <summary>The Domain's request as Anthropic's Messages API body, what it cannot take, and Anthropic's answers back.</summary>
public sealed class AnthropicMappingTests
{
    private static ChatCompletionRequest Request(params ChatMessage[] messages) => new(messages, "claude-x");

    private static JsonElement Body(ChatCompletionRequest request) =>
        JsonSerializer.SerializeToElement(AnthropicRequestMapping.ToSdk(request).RawBodyData);

    private static IEnumerable<TestCaseData> Refused()
    {
        var hi = Request(ChatMessage.User("hi"));
        yield return new TestCaseData(hi with { N = 2 }, "n");
        yield return new TestCaseData(hi with { Logprobs = true }, "logprobs");
        yield return new TestCaseData(hi with { TopLogprobs = 2 }, "top_logprobs");
        yield return new TestCaseData(hi with { PresencePenalty = 0.1 }, "presence_penalty");
        yield return new TestCaseData(hi with { FrequencyPenalty = -1 }, "frequency_penalty");
        yield return new TestCaseData(hi with { LogitBias = new Dictionary<string, int> { ["1"] = 5 } }, "logit_bias");
        yield return new TestCaseData(hi with { Seed = 1 }, "seed");
        yield return new TestCaseData(hi with { ReasoningEffort = "high" }, "reasoning_effort");
        yield return new TestCaseData(hi with { Store = true }, "store");
        yield return new TestCaseData(hi with { Metadata = new Dictionary<string, string> { ["a"] = "b" } }, "metadata");
        yield return new TestCaseData(hi with { ServiceTier = "flex" }, "service_tier");
        yield return new TestCaseData(hi with { ResponseFormat = new ResponseFormat(ResponseFormat.JsonObject) }, "response_format");
        yield return new TestCaseData(
            Request(ChatMessage.User("hi"), new ChatMessage(ChatRole.User, null) { Parts = [new ImagePart("data:image/bmp;base64,AAAA")] }),
            "messages[1].content[0].image_url.url");
        yield return new TestCaseData(
            Request(new ChatMessage(ChatRole.User, null) { Parts = [new ImagePart("https://x/y.png", "low")] }), "messages[0].content[0].image_url.detail");
        yield return new TestCaseData(
            Request(new ChatMessage(ChatRole.User, null) { Parts = [new FilePart("file-1", null, null)] }), "messages[0].content[0].file");
        yield return new TestCaseData(
            Request(ChatMessage.User("hi"), new ChatMessage(ChatRole.Assistant, null) { ToolCalls = [new ToolCall("t1", "f", "[1,2]")] }),
            "messages[1].tool_calls[0].function.arguments");
    }

    [TestCaseSource(nameof(Refused))]
    public void A_field_anthropic_has_no_place_for_is_named(ChatCompletionRequest request, string param) =>
        AnthropicRequestMapping.Unsupported(request).Should().NotBeNull().And.Subject.As<Chatbot.Application.Abstractions.UnsupportedRequestField>()
            .Param.Should().Be(param);

    [Test]
    public void What_anthropic_can_take_is_not_refused()
    {
        var request = Request(ChatMessage.System("s"), ChatMessage.User("hi")) with
        {
            N = 1,
            Logprobs = false,
            PresencePenalty = 0,
            FrequencyPenalty = 0,
            Store = false,
            ServiceTier = "default",
            Temperature = 0.3,
            TopP = 0.8,
            Stop = ["x"],
            User = "u",
            Tools = [new ChatTool("f", null, null, null)],
            ToolChoice = ToolChoice.ForFunction("f"),
            ResponseFormat = new ResponseFormat(ResponseFormat.JsonSchema) { SchemaName = "n", Schema = JsonDocument.Parse("""{"type":"object"}""").RootElement },
        };

        AnthropicRequestMapping.Unsupported(request).Should().BeNull();
    }

    [Test]
    public void Sampling_fields_the_sdk_model_lacks_are_in_the_body_and_the_rest_where_anthropic_wants_it()
    {
        var body = Body(Request(ChatMessage.User("hi")) with
        {
            Temperature = 0.3,
            TopP = 0.8,
            ServiceTier = "default",
            ResponseFormat = new ResponseFormat(ResponseFormat.JsonSchema) { SchemaName = "n", Schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string"}}}""").RootElement },
        });

        body.GetProperty("temperature").GetDouble().Should().Be(0.3);
        body.GetProperty("top_p").GetDouble().Should().Be(0.8);
        body.GetProperty("max_tokens").GetInt32().Should().Be(AnthropicRequestMapping.DefaultMaxTokens);
        body.GetProperty("service_tier").GetString().Should().Be("standard_only");
        var format = body.GetProperty("output_config").GetProperty("format");
        format.GetProperty("type").GetString().Should().Be("json_schema");
        format.GetProperty("schema").GetProperty("properties").GetProperty("a").GetProperty("type").GetString().Should().Be("string");
    }

    [Test]
    public void A_tool_without_parameters_gets_an_empty_object_schema_and_parallel_false_alone_turns_parallel_use_off()
    {
        var body = Body(Request(ChatMessage.User("hi")) with { Tools = [new ChatTool("now", "The time.", null, null)], ParallelToolCalls = false });

        body.GetProperty("tools")[0].GetProperty("input_schema").GetProperty("type").GetString().Should().Be("object");
        body.GetProperty("tool_choice").GetProperty("type").GetString().Should().Be("auto");
        body.GetProperty("tool_choice").GetProperty("disable_parallel_tool_use").GetBoolean().Should().BeTrue();
    }

    [TestCase(ToolChoice.None, "none")]
    [TestCase(ToolChoice.Auto, "auto")]
    [TestCase(ToolChoice.Required, "any")]
    public void Tool_choice_modes_map_to_anthropic_s(string mode, string type) =>
        Body(Request(ChatMessage.User("hi")) with { Tools = [new ChatTool("f", null, null, null)], ToolChoice = new ToolChoice(mode) })
            .GetProperty("tool_choice").GetProperty("type").GetString().Should().Be(type);

    [Test]
    public void A_named_function_is_anthropic_s_tool_choice_tool()
    {
        var choice = Body(Request(ChatMessage.User("hi")) with { Tools = [new ChatTool("f", null, null, null)], ToolChoice = ToolChoice.ForFunction("f") })
            .GetProperty("tool_choice");

        choice.GetProperty("type").GetString().Should().Be("tool");
        choice.GetProperty("name").GetString().Should().Be("f");
    }

    [Test]
    public void A_tool_result_and_the_user_s_next_words_are_one_user_turn()
    {
        var body = Body(Request(
            ChatMessage.User("hi"),
            new ChatMessage(ChatRole.Assistant, null) { ToolCalls = [new ToolCall("t1", "f", "")] },
            new ChatMessage(ChatRole.Tool, "42") { ToolCallId = "t1" },
            ChatMessage.User("thanks")));

        var messages = body.GetProperty("messages");
        messages.GetArrayLength().Should().Be(3);
        messages[1].GetProperty("content")[0].GetProperty("input").EnumerateObject().Should().BeEmpty("empty arguments are an empty input");
        var last = messages[2].GetProperty("content");
        last[0].GetProperty("type").GetString().Should().Be("tool_result");
        last[1].GetProperty("text").GetString().Should().Be("thanks");
    }

    [TestCase("end_turn", "stop")]
    [TestCase("stop_sequence", "stop")]
    [TestCase("max_tokens", "length")]
    [TestCase("model_context_window_exceeded", "length")]
    [TestCase("tool_use", "tool_calls")]
    [TestCase("refusal", "content_filter")]
    [TestCase("pause_turn", "pause_turn")]
    public void Stop_reasons_are_openai_s_finish_reasons(string stopReason, string finishReason) =>
        AnthropicResponseMapping.FinishReason(stopReason).Should().Be(finishReason);

    [Test]
    public void Prompt_tokens_count_cache_reads_and_writes_as_openai_s_do()
    {
        var usage = AnthropicResponseMapping.Usage(10, 100, 5, 7);

        usage.PromptTokens.Should().Be(115);
        usage.CompletionTokens.Should().Be(7);
        usage.TotalTokens.Should().Be(122);
        usage.CachedTokens.Should().Be(100);
    }

    [TestCase("overloaded_error", typeof(ProviderUnavailableException))]
    [TestCase("rate_limit_error", typeof(ProviderRateLimitedException))]
    [TestCase("authentication_error", typeof(ProviderAuthenticationException))]
    [TestCase("invalid_request_error", typeof(ProviderRejectedRequestException))]
    [TestCase("not_found_error", typeof(ProviderRejectedRequestException))]
    [TestCase("api_error", typeof(ProviderInvalidResponseException))]
    [TestCase("permission_error", typeof(ProviderInvalidResponseException))]
    [TestCase("something_new", typeof(ProviderInvalidResponseException))]
    public void An_error_event_maps_by_its_type(string type, System.Type expected)
    {
        var body = JsonDocument.Parse($$$"""{"type":"error","error":{"type":"{{{type}}}","message":"with sk-secret inside"}}""").RootElement;

        var failure = AnthropicErrors.FromStreamError(body, t => t?.Replace("sk-secret", "***", StringComparison.Ordinal));

        failure.Should().BeOfType(expected);
        if (failure is ProviderRejectedRequestException rejected)
        {
            rejected.ProviderMessage.Should().Be("with *** inside");
        }
    }

    [Test]
    public void Argument_pieces_for_a_block_that_is_no_tool_call_are_an_unusable_stream()
    {
        var translator = new AnthropicStreamTranslator(includeUsage: false, t => t);
        var piece = JsonSerializer.Deserialize<RawMessageStreamEvent>(
            """{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}}""")!;

        var act = () => translator.Next(piece);

        act.Should().Throw<ProviderInvalidResponseException>();
    }
}
