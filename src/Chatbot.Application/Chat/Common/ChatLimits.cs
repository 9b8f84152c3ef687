namespace Chatbot.Application.Chat.Common;

/// <summary>The service's own limits on a conversation.</summary>
public static class ChatLimits
{
    public const int MaxMessages = 100;

    /// <summary>Per message, in Unicode code points; the request body limit bounds the whole conversation.</summary>
    public const int MaxContentLength = 32_768;

    public const int MaxTokens = 100_000;
}
