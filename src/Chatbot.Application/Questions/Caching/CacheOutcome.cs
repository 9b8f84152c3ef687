namespace Chatbot.Application.Questions.Caching;

/// <summary>Where an answer came from, as far as the answer cache can tell (<c>X-Cache</c>).</summary>
public enum CacheOutcome
{
    /// <summary>The answer cache is off.</summary>
    None,

    /// <summary>Answered without a call to the provider of its own.</summary>
    Hit,

    /// <summary>Asked the provider, then cached.</summary>
    Miss,
}
