using Chatbot.Application.Chat.Common;
using Chatbot.Domain.Chat;
using Mediator;

namespace Chatbot.Application.Chat.CompleteChat;

/// <summary>A whole conversation for the served model; the answer comes back in one piece, every choice of it.</summary>
/// <param name="Request">The client's request; its model is the one the client asked for, empty for the served one.</param>
public sealed record CompleteChatCommand(ChatCompletionRequest Request) : ICommand<ChatCompletion>, IChatCommand;
