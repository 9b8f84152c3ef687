using Chatbot.Application.Abstractions;
using Chatbot.Application.Chat.Common;
using Chatbot.Application.Options;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat.StreamChat;

public sealed class StreamChatHandler(IChatCompletionProvider provider, IOptions<LlmOptions> options)
    : IStreamCommandHandler<StreamChatCommand, string>
{
    private readonly LlmOptions _options = options.Value;

    public IAsyncEnumerable<string> Handle(StreamChatCommand command, CancellationToken cancellationToken) =>
        provider.StreamAsync(ChatRequests.For(command, _options), cancellationToken);
}
