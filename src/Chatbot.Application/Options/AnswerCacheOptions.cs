namespace Chatbot.Application.Options;

/// <summary>How long answers are cached (<c>CACHE_TTL_SECONDS</c>); the cache is registered only when this is set.</summary>
public sealed record AnswerCacheOptions(TimeSpan TimeToLive);
