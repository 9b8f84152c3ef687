using Chatbot.Application.Chat.Common;
using Chatbot.Domain.Chat;
using Mediator;

namespace Chatbot.Application.Chat.CompleteChat;

/// <summary>A whole conversation for the served model; the answer comes back in one piece.</summary>
public sealed record CompleteChatCommand(IReadOnlyList<ChatMessage>? Messages, string? Model, double? Temperature, int? MaxTokens)
    : ICommand<ChatCompletion>, IChatCommand;
