using Chatbot.Application.Chat.Common;
using Chatbot.Domain.Chat;
using Mediator;

namespace Chatbot.Application.Chat.StreamChat;

/// <summary>The same conversation, answered in pieces as they come.</summary>
public sealed record StreamChatCommand(IReadOnlyList<ChatMessage>? Messages, string? Model, double? Temperature, int? MaxTokens)
    : IStreamCommand<string>, IChatCommand;
