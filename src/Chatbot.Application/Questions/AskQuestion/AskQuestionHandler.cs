using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.Common;
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
            completion = await provider.CompleteAsync(QuestionConversation.Build(_options, command.Text!), cancellationToken);
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

        // The original contract: a question's answer is text; tool calls, a refusal or nothing is the provider's failure.
        if (string.IsNullOrEmpty(completion.Text))
        {
            var failure = new ProviderInvalidResponseException("The provider's first choice has no content.");
            metrics.ProviderFailure(_options.Provider, failure.Kind);
            throw failure;
        }

        return new AskQuestionResult(completion.Text);
    }
}
