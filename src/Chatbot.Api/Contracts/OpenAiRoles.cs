using Chatbot.Domain.Chat;

namespace Chatbot.Api.Contracts;

/// <summary>OpenAI's message roles as the domain names them: <c>developer</c> is the newer name of <c>system</c>.</summary>
public static class OpenAiRoles
{
    public static readonly IReadOnlyDictionary<string, ChatRole> ToDomain = new Dictionary<string, ChatRole>(StringComparer.Ordinal)
    {
        ["system"] = ChatRole.System,
        ["developer"] = ChatRole.System,
        ["user"] = ChatRole.User,
        ["assistant"] = ChatRole.Assistant,
    };

    public static readonly string Names = string.Join(", ", ToDomain.Keys);
}
