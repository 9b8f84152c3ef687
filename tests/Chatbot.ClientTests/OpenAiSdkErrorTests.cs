using System.ClientModel;
using OpenAI;
using OpenAI.Chat;

namespace Chatbot.ClientTests;

/// <summary>
/// OpenAI's official .NET SDK against <c>/v1</c>: an error the framework or Kestrel decides (here a body over 64 KiB)
/// reaches the SDK in OpenAI's shape, so its exception says what went wrong instead of quoting a raw JSON body.
/// </summary>
public sealed class OpenAiSdkErrorTests
{
    private ApiServer _api = null!;

    [OneTimeSetUp]
    public void Start() => _api = ApiServer.StartEcho(("CHAT_MAX_BODY_KB", "64"));

    [OneTimeTearDown]
    public async Task Stop() => await _api.DisposeAsync();

    private ChatClient Chat => new(
        "any-model",
        new ApiKeyCredential("any-client-key"),
        new OpenAIClientOptions { Endpoint = new Uri(_api.Address, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    [Test]
    public async Task A_body_over_the_limit_is_an_sdk_error_carrying_openai_s_message_not_raw_json()
    {
        var act = () => Chat.CompleteChatAsync([new UserChatMessage(new string('x', 70 * 1024))]);

        var error = (await act.Should().ThrowAsync<ClientResultException>()).Which;
        error.Status.Should().Be(413);
        error.Message.Should().Contain("The request body is larger than the limit of 64 KiB.");
        error.Message.Should().Contain("request_too_large", "the SDK shows OpenAI's code when the body is OpenAI's shape");
        error.Message.Should().NotContain("{", "the SDK quotes the raw body only when it cannot read it as OpenAI's error");
        error.Message.Should().NotContain("traceId");
    }
}
