using Chatbot.Application.Chat.Common;
using Chatbot.Domain.Chat;
using Mediator;

namespace Chatbot.Application.Chat.StreamChat;

/// <summary>The same conversation, answered in pieces as the provider sends them.</summary>
public sealed record StreamChatCommand(ChatCompletionRequest Request) : IStreamCommand<ChatCompletionUpdate>, IChatCommand;
