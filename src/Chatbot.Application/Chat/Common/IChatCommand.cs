using Chatbot.Domain.Chat;

namespace Chatbot.Application.Chat.Common;

/// <summary>What the plain and the streamed chat have in common, for one set of rules and one mapping.</summary>
public interface IChatCommand
{
    /// <summary>
    /// The conversation and its settings in the domain's terms (the Api maps OpenAI's wire format onto them). Its
    /// <see cref="ChatCompletionRequest.Model"/> is the model the client asked for, empty for the served one.
    /// </summary>
    ChatCompletionRequest Request { get; }
}
