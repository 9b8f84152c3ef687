using Chatbot.Domain.Chat;
using Chatbot.Infrastructure.Providers.Echo;

namespace Chatbot.UnitTests.Infrastructure.Providers.Echo;

public sealed class EchoChatProviderTests
{
    private readonly EchoChatProvider _provider = new();

    [Test]
    public async Task Answers_Echo_and_the_question()
    {
        var completion = await _provider.CompleteAsync(Request(ChatMessage.User("hello world")), CancellationToken.None);

        completion.Text.Should().Be("Echo: hello world");
        completion.Model.Should().Be("gpt-test");
    }

    [Test]
    public async Task Echoes_the_last_user_message_and_ignores_the_system_prompt()
    {
        var request = Request(
            ChatMessage.System("You are terse."),
            ChatMessage.User("first"),
            new ChatMessage(ChatRole.Assistant, "an answer"),
            ChatMessage.User("second"));

        var completion = await _provider.CompleteAsync(request, CancellationToken.None);

        completion.Text.Should().Be("Echo: second");
    }

    [Test]
    public async Task Keeps_unicode_text_as_it_is()
    {
        var completion = await _provider.CompleteAsync(Request(ChatMessage.User("héllo \U0001F600")), CancellationToken.None);

        completion.Text.Should().Be("Echo: héllo \U0001F600");
    }

    [Test]
    public async Task Reports_usage_that_grows_with_the_text()
    {
        var shortAnswer = await _provider.CompleteAsync(Request(ChatMessage.User("one")), CancellationToken.None);
        var longAnswer = await _provider.CompleteAsync(Request(ChatMessage.User("one two three four")), CancellationToken.None);

        shortAnswer.Usage.Should().NotBeNull();
        longAnswer.Usage!.PromptTokens.Should().BeGreaterThan(shortAnswer.Usage!.PromptTokens);
        longAnswer.Usage.CompletionTokens.Should().BeGreaterThan(shortAnswer.Usage.CompletionTokens);
    }

    private static ChatCompletionRequest Request(params ChatMessage[] messages) => new(messages, "gpt-test") { Temperature = 0.7 };
}
