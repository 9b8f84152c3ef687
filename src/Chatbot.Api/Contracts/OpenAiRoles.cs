using Chatbot.Domain.Chat;

namespace Chatbot.Api.Contracts;

/// <summary>OpenAI's message roles: the domain's, by the same names (<c>developer</c> stays developer).</summary>
public static class OpenAiRoles
{
    public static readonly IReadOnlyDictionary<string, ChatRole> ToDomain =
        ChatRole.All.ToDictionary(role => role.Value, StringComparer.Ordinal);

    public static readonly string Names = string.Join(", ", ToDomain.Keys);
}
