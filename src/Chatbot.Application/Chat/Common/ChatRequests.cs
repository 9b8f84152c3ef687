using Chatbot.Application.Options;
using Chatbot.Domain.Chat;

namespace Chatbot.Application.Chat.Common;

internal static class ChatRequests
{
    /// <summary>
    /// The client's request for the served model, as it is: LLM_SYSTEM_PROMPT belongs to /question, not to the chat
    /// surface. The configured LLM_TEMPERATURE and LLM_MAX_TOKENS apply only where the client set nothing (no
    /// <c>max_tokens</c> and no <c>max_completion_tokens</c> for the latter).
    /// </summary>
    public static ChatCompletionRequest For(IChatCommand command, LlmOptions options)
    {
        var request = command.Request;
        return request with
        {
            Model = options.Model,
            Temperature = request.Temperature ?? options.Temperature,
            MaxTokens = request.MaxTokens ?? (request.MaxCompletionTokens is null ? options.MaxTokens : null),
        };
    }
}
