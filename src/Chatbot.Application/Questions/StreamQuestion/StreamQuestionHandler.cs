using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Questions.Common;
using Chatbot.Application.Routing;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Mediator;

namespace Chatbot.Application.Questions.StreamQuestion;

/// <summary>Streams the default route's answer to one question (its fallbacks until the first piece).</summary>
public sealed class StreamQuestionHandler(ChatRouter router, ChatbotMetrics metrics) : IStreamCommandHandler<StreamQuestionCommand, AnswerPiece>
{
    public IAsyncEnumerable<AnswerPiece> Handle(StreamQuestionCommand command, CancellationToken cancellationToken)
    {
        var route = router.Routes.Default;
        return Texts(route, router.StreamAsync(route, r => QuestionConversation.Build(r.Llm, command.Text!), cancellationToken), cancellationToken);
    }

    // The question's answer is the first choice's text; a stream that carried none is the provider's failure, as on
    // /question. The first piece of text says which route serves.
    private async IAsyncEnumerable<AnswerPiece> Texts(
        Options.ChatRoute route,
        IAsyncEnumerable<ChatCompletionUpdate> updates,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? serving = null;
        var pieces = 0;
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            serving ??= update.Route;
            if (update.Text is { Length: > 0 } text)
            {
                yield return new AnswerPiece(text, Route: pieces++ == 0 ? serving : null);
            }
        }

        if (pieces == 0)
        {
            var failure = new ProviderInvalidResponseException("The provider's stream carried no content.");
            var served = router.Find(serving) ?? route;
            metrics.ProviderFailure(served.Model, served.Llm.Provider, failure.Kind);
            throw failure;
        }
    }
}
