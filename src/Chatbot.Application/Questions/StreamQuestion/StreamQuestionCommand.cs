using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Application.Questions.Caching;
using Chatbot.Application.Questions.Common;
using Chatbot.Domain.Providers;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Questions.StreamQuestion;

/// <summary>Ask the configured model one question and get its answer in pieces as they come.</summary>
public sealed record StreamQuestionCommand(string? Text) : IStreamCommand<AnswerPiece>;

/// <summary>
/// A piece of a streamed answer, and whether the answer cache served it (<see cref="CacheOutcome.None"/> when the
/// cache is off): the first piece tells, and the stream's headers go out with it.
/// </summary>
public readonly record struct AnswerPiece(string Text, CacheOutcome Cache = CacheOutcome.None);

public sealed class StreamQuestionCommandValidator : AbstractValidator<StreamQuestionCommand>
{
    public StreamQuestionCommandValidator() => RuleFor(c => c.Text).ValidQuestionText();
}

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
