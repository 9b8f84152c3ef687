using Chatbot.Application.Questions.Caching;

namespace Chatbot.Api.Controllers;

/// <summary><c>X-Cache: HIT</c> or <c>MISS</c> on answers, only when the answer cache is on.</summary>
public static class CacheHeader
{
    public const string Name = "X-Cache";

    public static string Value(CacheOutcome outcome) => outcome == CacheOutcome.Hit ? "HIT" : "MISS";
}
