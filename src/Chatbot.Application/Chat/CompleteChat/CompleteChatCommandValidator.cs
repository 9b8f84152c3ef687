using Chatbot.Application.Chat.Common;
using Chatbot.Application.Options;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat.CompleteChat;

public sealed class CompleteChatCommandValidator(IOptions<RouteTable> routes) : ChatCommandValidator<CompleteChatCommand>(routes);
