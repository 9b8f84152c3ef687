using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Questions.AskQuestion;

public sealed class AskQuestionHandler(IChatCompletionProvider provider, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : ICommandHandler<AskQuestionCommand, AskQuestionResult>
{
    private readonly LlmOptions _options = options.Value;

    public async ValueTask<AskQuestionResult> Handle(AskQuestionCommand command, CancellationToken cancellationToken)
    {
        ChatCompletion completion;
        try
        {
            completion = await provider.CompleteAsync(BuildRequest(command.Text!), cancellationToken);
        }
        catch (ProviderException ex)
        {
            metrics.ProviderFailure(_options.Provider, ex.Kind);
            throw;
        }

        if (completion.Usage is { } usage)
        {
            metrics.Tokens(_options.Provider, completion.Model, usage.PromptTokens, usage.CompletionTokens);
        }

        return new AskQuestionResult(completion.Text);
    }

    private ChatCompletionRequest BuildRequest(string question)
    {
        ChatMessage[] messages = string.IsNullOrEmpty(_options.SystemPrompt)
            ? [ChatMessage.User(question)]
            : [ChatMessage.System(_options.SystemPrompt), ChatMessage.User(question)];
        return new ChatCompletionRequest(messages, _options.Model, _options.Temperature, _options.MaxTokens);
    }
}
