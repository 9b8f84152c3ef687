using Chatbot.Application.Chat.Common;
using Chatbot.Application.Options;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat.StreamChat;

public sealed class StreamChatCommandValidator(IOptions<RouteTable> routes) : ChatCommandValidator<StreamChatCommand>(routes);
