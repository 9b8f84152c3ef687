using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.AskQuestion;
using Chatbot.Application.Routing;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Chatbot.UnitTests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Chatbot.UnitTests.Application.Questions;

public sealed class AskQuestionHandlerTests
{
    private readonly IChatCompletionProvider _provider = Substitute.For<IChatCompletionProvider>();
    private ChatCompletionRequest? _sent;

    [SetUp]
    public void AnswerEveryRequest() =>
        _provider.CompleteAsync(Arg.Do<ChatCompletionRequest>(r => _sent = r), Arg.Any<CancellationToken>())
            .Returns(ValueTask.FromResult(ChatCompletion.OfText("the provider's answer", "gpt-test", new TokenUsage(3, 4))));

    [Test]
    public async Task Sends_model_temperature_and_max_tokens_from_the_options()
    {
        var handler = Handler(new LlmOptions { Model = "llama3.1", Temperature = 1.3, MaxTokens = 256 });

        await handler.Handle(new AskQuestionCommand("hi"), CancellationToken.None);

        _sent.Should().NotBeNull();
        _sent!.Model.Should().Be("llama3.1");
        _sent.Temperature.Should().Be(1.3);
        _sent.MaxTokens.Should().Be(256);
    }

    [Test]
    public async Task Leaves_max_tokens_unset_when_the_options_do()
    {
        await Handler(new LlmOptions()).Handle(new AskQuestionCommand("hi"), CancellationToken.None);

        _sent!.MaxTokens.Should().BeNull();
    }

    [Test]
    public async Task Sends_the_system_prompt_first_and_then_the_question()
    {
        var handler = Handler(new LlmOptions { SystemPrompt = "You are terse." });

        await handler.Handle(new AskQuestionCommand("What is 2+2?"), CancellationToken.None);

        _sent!.Messages.Should().Equal(ChatMessage.System("You are terse."), ChatMessage.User("What is 2+2?"));
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task Sends_only_the_question_without_a_system_prompt(string? systemPrompt)
    {
        var handler = Handler(new LlmOptions { SystemPrompt = systemPrompt });

        await handler.Handle(new AskQuestionCommand("What is 2+2?"), CancellationToken.None);

        _sent!.Messages.Should().Equal(ChatMessage.User("What is 2+2?"));
    }

    [Test]
    public async Task Returns_the_providers_text()
    {
        var result = await Handler(new LlmOptions()).Handle(new AskQuestionCommand("hi"), CancellationToken.None);

        result.Should().Be(new AskQuestionResult("the provider's answer") { Route = "gpt-4o-mini" });
    }

    [Test]
    public async Task Passes_the_cancellation_token_to_the_provider()
    {
        using var cts = new CancellationTokenSource();

        await Handler(new LlmOptions()).Handle(new AskQuestionCommand("hi"), cts.Token);

        await _provider.Received(1).CompleteAsync(Arg.Any<ChatCompletionRequest>(), cts.Token);
    }

    [Test]
    public async Task Provider_exceptions_propagate_unchanged()
    {
        var failure = new ProviderRateLimitedException("slow down", TimeSpan.FromSeconds(7));
        _provider.CompleteAsync(Arg.Any<ChatCompletionRequest>(), Arg.Any<CancellationToken>())
            .Returns(ValueTask.FromException<ChatCompletion>(failure));

        var act = async () => await Handler(new LlmOptions()).Handle(new AskQuestionCommand("hi"), CancellationToken.None);

        (await act.Should().ThrowAsync<ProviderRateLimitedException>()).Which.Should().BeSameAs(failure);
    }

    [Test]
    public async Task Provider_exceptions_thrown_synchronously_propagate_unchanged()
    {
        var failure = new ProviderAuthenticationException("bad key");
        _provider.CompleteAsync(Arg.Any<ChatCompletionRequest>(), Arg.Any<CancellationToken>())
            .Returns<ValueTask<ChatCompletion>>(_ => throw failure);

        var act = async () => await Handler(new LlmOptions()).Handle(new AskQuestionCommand("hi"), CancellationToken.None);

        (await act.Should().ThrowAsync<ProviderAuthenticationException>()).Which.Should().BeSameAs(failure);
    }

    private static readonly ChatbotMetrics Metrics = new(
        new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddMetrics().BuildServiceProvider()
            .GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private AskQuestionHandler Handler(LlmOptions options)
    {
        var providers = Substitute.For<IRouteProviders>();
        providers.For(Arg.Any<ChatRoute>()).Returns(_provider);
        var router = new ChatRouter(
            MsOptions.Create(TestRoutes.Table(TestRoutes.Of(options))), providers, Metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger<ChatRouter>.Instance);
        return new(router, Metrics);
    }
}
