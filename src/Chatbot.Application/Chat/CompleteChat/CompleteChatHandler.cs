using Chatbot.Application.Chat.Common;
using Chatbot.Application.Routing;
using Chatbot.Domain.Chat;
using Mediator;

namespace Chatbot.Application.Chat.CompleteChat;

/// <summary>
/// Asks the route the request names (its fallbacks when it fails with a failure that passes) and returns the answer as
/// it is: every choice, null content included (tool calls, a refusal), with the route that served it.
/// </summary>
public sealed class CompleteChatHandler(ChatRouter router) : ICommandHandler<CompleteChatCommand, ChatCompletion>
{
    public ValueTask<ChatCompletion> Handle(CompleteChatCommand command, CancellationToken cancellationToken) =>
        router.CompleteAsync(router.Resolve(command.Request.Model), route => ChatRequests.For(command, route.Llm), cancellationToken);
}
