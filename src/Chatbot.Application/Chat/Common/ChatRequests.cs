using Chatbot.Application.Options;
using Chatbot.Domain.Chat;

namespace Chatbot.Application.Chat.Common;

internal static class ChatRequests
{
    // The client's conversation as it is: LLM_SYSTEM_PROMPT belongs to /question, not to the chat surface.
    public static ChatCompletionRequest For(IChatCommand command, LlmOptions options) => new(
        command.Messages!,
        options.Model,
        command.Temperature ?? options.Temperature,
        command.MaxTokens ?? options.MaxTokens);
}
