using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.Common;
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

    private async IAsyncEnumerable<AnswerPiece> CountFailures(
        IAsyncEnumerable<string> pieces, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = pieces.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (ProviderException ex)
            {
                metrics.ProviderFailure(_options.Provider, ex.Kind);
                throw;
            }

            yield return new AnswerPiece(enumerator.Current);
        }
    }
}
