using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Questions.Common;
using Chatbot.Application.Routing;
using Chatbot.Domain.Providers;
using Mediator;

namespace Chatbot.Application.Questions.AskQuestion;

/// <summary>Asks the default route (its fallbacks when it fails with a failure that passes) one question.</summary>
public sealed class AskQuestionHandler(ChatRouter router, ChatbotMetrics metrics) : ICommandHandler<AskQuestionCommand, AskQuestionResult>
{
    public async ValueTask<AskQuestionResult> Handle(AskQuestionCommand command, CancellationToken cancellationToken)
    {
        var route = router.Routes.Default;
        var completion = await router.CompleteAsync(route, r => QuestionConversation.Build(r.Llm, command.Text!), cancellationToken);

        // The original contract: a question's answer is text; tool calls, a refusal or nothing is the provider's failure.
        if (string.IsNullOrEmpty(completion.Text))
        {
            var failure = new ProviderInvalidResponseException("The provider's first choice has no content.");
            var served = router.Find(completion.Route) ?? route;
            metrics.ProviderFailure(served.Model, served.Llm.Provider, failure.Kind);
            throw failure;
        }

        return new AskQuestionResult(completion.Text) { Route = completion.Route };
    }
}
