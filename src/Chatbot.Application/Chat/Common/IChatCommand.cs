using Chatbot.Domain.Chat;

namespace Chatbot.Application.Chat.Common;

/// <summary>What the plain and the streamed chat have in common, for one set of rules and one mapping.</summary>
public interface IChatCommand
{
    /// <summary>The conversation in the domain's terms; the Api maps its wire roles onto <see cref="ChatRole"/>.</summary>
    IReadOnlyList<ChatMessage>? Messages { get; }

    /// <summary>The model the client asked for, or null for the served one.</summary>
    string? Model { get; }

    double? Temperature { get; }

    /// <summary>The most tokens the answer may take, or null for the configured default.</summary>
    int? MaxTokens { get; }
}
