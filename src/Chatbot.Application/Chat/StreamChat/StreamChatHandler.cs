using Chatbot.Application.Chat.Common;
using Chatbot.Application.Routing;
using Chatbot.Domain.Chat;
using Mediator;

namespace Chatbot.Application.Chat.StreamChat;

/// <summary>
/// Passes the pieces of the route the request names on as they come (its fallbacks until the first piece); the router
/// counts its failures and the tokens of the usage it reports, a cancelled stream's labelled <c>cancelled</c>.
/// </summary>
public sealed class StreamChatHandler(ChatRouter router) : IStreamCommandHandler<StreamChatCommand, ChatCompletionUpdate>
{
    public IAsyncEnumerable<ChatCompletionUpdate> Handle(StreamChatCommand command, CancellationToken cancellationToken) =>
        router.StreamAsync(router.Resolve(command.Request.Model), route => ChatRequests.For(command, route.Llm), cancellationToken);
}
