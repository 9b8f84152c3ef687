namespace Chatbot.Domain.Chat;

/// <summary>Who wrote a message of a conversation.</summary>
public enum ChatRole
{
    System,
    User,
    Assistant,
}

/// <summary>One message of a conversation sent to a model.</summary>
public sealed record ChatMessage(ChatRole Role, string Content)
{
    public static ChatMessage System(string content) => new(ChatRole.System, content);

    public static ChatMessage User(string content) => new(ChatRole.User, content);
}
