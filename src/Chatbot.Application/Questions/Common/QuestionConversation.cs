using Chatbot.Application.Options;
using Chatbot.Domain.Chat;

namespace Chatbot.Application.Questions.Common;

/// <summary>What a question becomes for the model: the system prompt first when one is set, then the question.</summary>
public static class QuestionConversation
{
    public static ChatCompletionRequest Build(LlmOptions options, string question)
    {
        ChatMessage[] messages = string.IsNullOrEmpty(options.SystemPrompt)
            ? [ChatMessage.User(question)]
            : [ChatMessage.System(options.SystemPrompt), ChatMessage.User(question)];
        return new ChatCompletionRequest(messages, options.Model) { Temperature = options.Temperature, MaxTokens = options.MaxTokens };
    }
}
