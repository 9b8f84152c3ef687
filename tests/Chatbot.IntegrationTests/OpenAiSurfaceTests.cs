using System.ClientModel;
using OpenAI;
using OpenAI.Chat;

namespace Chatbot.IntegrationTests;

/// <summary>/v1/chat/completions and /v1/models, used by OpenAI's official .NET SDK as its base URL, on real Kestrel.</summary>
public sealed class OpenAiSurfaceTests : FakeUpstreamFixture
{
    protected override bool OnKestrel => true;

    private ChatClient Chat => new(
        ApiFactory.Model,
        new ApiKeyCredential("any-client-key"),
        new OpenAIClientOptions { Endpoint = new Uri(Client.BaseAddress!, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    [Test]
    public async Task The_openai_sdk_gets_a_completion_of_a_multi_turn_conversation()
    {
        Fake.Enqueue(FakeResponse.Completion("Paris, as I said.", promptTokens: 21, completionTokens: 5));

        ChatCompletion completion = await Chat.CompleteChatAsync(
        [
            new SystemChatMessage("Answer briefly."),
            new UserChatMessage("What is the capital of France?"),
            new AssistantChatMessage("Paris."),
            new UserChatMessage("Are you sure?"),
        ]);

        completion.Content.Should().ContainSingle().Which.Text.Should().Be("Paris, as I said.");
        completion.FinishReason.Should().Be(ChatFinishReason.Stop);
        completion.Usage.InputTokenCount.Should().Be(21);
        completion.Usage.OutputTokenCount.Should().Be(5);
        var sent = Fake.Received.Should().ContainSingle().Subject.BodyJson.GetProperty("messages");
        sent.EnumerateArray().Select(m => m.GetProperty("role").GetString()).Should().Equal("system", "user", "assistant", "user");
        sent[3].GetProperty("content").GetString().Should().Be("Are you sure?");
    }

    [TestCase("length", "Length")]
    [TestCase("content_filter", "ContentFilter")]
    public async Task A_plain_answer_keeps_the_providers_finish_reason(string reason, string expected)
    {
        Fake.Enqueue(FakeResponse.Raw($$$"""
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"{{{ApiFactory.Model}}}",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the cap"},"finish_reason":"{{{reason}}}"}],
             "usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}
            """));

        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("What is the capital of France?")]);

        completion.FinishReason.Should().Be(Enum.Parse<ChatFinishReason>(expected), "the client must know the answer was cut, not finished");
        completion.Content.Should().ContainSingle().Which.Text.Should().Be("Paris is the cap");
    }

    [TestCase(400, "invalid_request_error", "temperature", "invalid_value")]
    [TestCase(404, "invalid_request_error", "model", "model_not_found")]
    [TestCase(422, "invalid_request_error", null, null)]
    public async Task A_providers_refusal_of_the_request_reaches_v1_with_its_status_and_words(int status, string type, string? param, string? code)
    {
        // The provider quotes the key it was sent: the service's own key never reaches the client.
        var error = JsonSerializer.Serialize(new
        {
            error = new { message = $"Bad request for key {ApiFactory.ApiKey}.", type, param, code },
        });
        Fake.Enqueue(FakeResponse.WithStatus(status, error));

        using var response = await Client.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Hi" } } });

        ((int)response.StatusCode).Should().Be(status);
        var body = await response.Content.ReadAsStringAsync();
        body.Should().NotContain(ApiFactory.ApiKey);
        var sent = JsonDocument.Parse(body).RootElement.GetProperty("error");
        sent.GetProperty("message").GetString().Should().Be("Bad request for key ***.");
        sent.GetProperty("type").GetString().Should().Be(type);
        (sent.GetProperty("param").ValueKind == JsonValueKind.Null ? null : sent.GetProperty("param").GetString()).Should().Be(param);
        (sent.GetProperty("code").ValueKind == JsonValueKind.Null ? null : sent.GetProperty("code").GetString()).Should().Be(code);
        Fake.ChatCompletionCalls.Should().Be(1, "a refusal of the request is not retried");
    }

    [Test]
    public async Task The_openai_sdk_sees_a_providers_400_as_its_own_error()
    {
        Fake.Enqueue(FakeResponse.WithStatus(400, """{"error":{"message":"Unsupported parameter: 'max_tokens'.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}"""));

        var act = () => Chat.CompleteChatAsync([new UserChatMessage("Hi")]);

        var error = (await act.Should().ThrowAsync<ClientResultException>()).Which;
        error.Status.Should().Be(400);
        error.Message.Should().Contain("Unsupported parameter: 'max_tokens'.").And.Contain("unsupported_parameter");
    }

    [Test]
    public async Task A_provider_4xx_body_in_no_known_shape_still_answers_with_its_status()
    {
        Fake.Enqueue(FakeResponse.WithStatus(400, "<html>nope</html>", "text/html"));

        using var response = await Client.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Hi" } } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("message").GetString().Should().Be("The provider refused the request (HTTP 400).");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
    }

    [Test]
    public async Task Question_keeps_the_original_502_for_a_providers_400()
    {
        Fake.Enqueue(FakeResponse.WithStatus(400, """{"error":{"message":"bad","type":"invalid_request_error"}}"""));

        using var response = await Client.PostAsJsonAsync("/question", new { text = "Hi" });

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("bad\"");
    }

    [Test]
    public async Task The_openai_sdk_streams_a_completion()
    {
        Fake.Default = FakeResponse.Stream("Once ", "upon ", "a ", "time.");

        var text = new System.Text.StringBuilder();
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        text.ToString().Should().Be("Once upon a time.");
        Fake.Received.Should().ContainSingle().Which.BodyJson.GetProperty("stream").GetBoolean().Should().BeTrue();
    }

    [Test]
    public async Task A_provider_failure_reaches_the_openai_sdk_as_an_error_with_its_status()
    {
        Fake.Default = FakeResponse.WithStatus(401);

        var act = () => Chat.CompleteChatAsync([new UserChatMessage("hi")]);

        var error = (await act.Should().ThrowAsync<ClientResultException>()).Which;
        error.Status.Should().Be(401);
        error.Message.Should().Contain("Authentication failed with LLM provider");
    }

    [Test]
    public async Task Another_model_is_404_model_not_found()
    {
        var other = new ChatClient("gpt-imaginary", new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = new Uri(Client.BaseAddress!, "v1") });

        var act = () => other.CompleteChatAsync([new UserChatMessage("hi")]);

        (await act.Should().ThrowAsync<ClientResultException>()).Which.Status.Should().Be(404);
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task Models_lists_the_served_model()
    {
        var models = await Client.GetFromJsonAsync<JsonElement>("/v1/models");

        models.GetProperty("object").GetString().Should().Be("list");
        models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Should().Equal(ApiFactory.Model);
    }

    [TestCase("""{"messages":[]}""", "messages", TestName = "no messages")]
    [TestCase("""{}""", "messages", TestName = "messages missing")]
    [TestCase("""{"messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role", TestName = "unknown role")]
    [TestCase("""{"messages":[{"role":"user","content":""}]}""", "messages[0].content", TestName = "empty content")]
    [TestCase("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""", "messages[0].content[0].type", TestName = "a content part the service cannot carry")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":2.5}""", "temperature", TestName = "temperature out of range")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens", TestName = "max_tokens out of range")]
    public async Task Invalid_requests_are_400_with_an_openai_error_body(string body, string param)
    {
        var response = await Client.PostAsync("/v1/chat/completions", Problems.Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        error.GetProperty("param").GetString().Should().Be(param);
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [TestCase("""{"messages":[null]}""", "messages[0]", TestName = "a null message")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"},null]}""", "messages[1]", TestName = "a null second message")]
    [TestCase("""{"stream":true,"messages":[null]}""", "messages[0]", TestName = "a null message, streamed")]
    [TestCase("""{"stream":true,"messages":[{"role":"user","content":"hi"},null]}""", "messages[1]", TestName = "a null second message, streamed")]
    public async Task A_null_message_is_400_with_its_index_as_param(string body, string param)
    {
        var response = await Client.PostAsync("/v1/chat/completions", Problems.Json(body));

        await response.ShouldBeOpenAiInvalidRequestAsync(param);
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task Too_many_messages_are_400()
    {
        var messages = Enumerable.Range(0, 101).Select(i => new { role = "user", content = $"m{i}" });

        var response = await Client.PostAsJsonAsync("/v1/chat/completions", new { messages });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString().Should().Be("messages");
    }

    [Test]
    public async Task Malformed_json_is_400_with_an_openai_error_body()
    {
        var response = await Client.PostAsync("/v1/chat/completions", Problems.Json("{\"messages\": ["));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString().Should().Be("invalid_request_error");
    }
}
