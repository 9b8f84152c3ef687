using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.Common;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Questions.StreamQuestion;

public sealed class StreamQuestionHandler(IChatCompletionProvider provider, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : IStreamCommandHandler<StreamQuestionCommand, AnswerPiece>
{
    private readonly LlmOptions _options = options.Value;

    public IAsyncEnumerable<AnswerPiece> Handle(StreamQuestionCommand command, CancellationToken cancellationToken) =>
        CountFailures(provider.StreamAsync(QuestionConversation.Build(_options, command.Text!), cancellationToken), cancellationToken);

    // The question's answer is the first choice's text; a stream that carried none is the provider's failure, as on /question.
    private async IAsyncEnumerable<AnswerPiece> CountFailures(
        IAsyncEnumerable<ChatCompletionUpdate> updates, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        var pieces = 0;
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    if (pieces == 0)
                    {
                        throw new ProviderInvalidResponseException("The provider's stream carried no content.");
                    }

                    yield break;
                }
            }
            catch (ProviderException ex)
            {
                metrics.ProviderFailure(_options.Provider, ex.Kind);
                throw;
            }

            if (enumerator.Current.Text is { Length: > 0 } text)
            {
                pieces++;
                yield return new AnswerPiece(text);
            }
        }
    }
}
