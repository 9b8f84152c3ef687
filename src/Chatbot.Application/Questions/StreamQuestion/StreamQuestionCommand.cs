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
public sealed record StreamQuestionCommand(string? Text) : IStreamCommand<string>
{
    /// <summary>
    /// Set by the answer cache before the first piece (the headers of a stream go out with it);
    /// <see cref="CacheOutcome.None"/> when the cache is off.
    /// </summary>
    public CacheOutcome Cache { get; set; }
}

public sealed class StreamQuestionCommandValidator : AbstractValidator<StreamQuestionCommand>
{
    public StreamQuestionCommandValidator() => RuleFor(c => c.Text).ValidQuestionText();
}

public sealed class StreamQuestionHandler(IChatCompletionProvider provider, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : IStreamCommandHandler<StreamQuestionCommand, string>
{
    private readonly LlmOptions _options = options.Value;

    public IAsyncEnumerable<string> Handle(StreamQuestionCommand command, CancellationToken cancellationToken) =>
        CountFailures(provider.StreamAsync(QuestionConversation.Build(_options, command.Text!), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<string> CountFailures(
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

            yield return enumerator.Current;
        }
    }
}
