using Chatbot.Application.Questions.Caching;
using Mediator;

namespace Chatbot.Application.Questions.AskQuestion;

/// <summary>Ask the configured model one question.</summary>
public sealed record AskQuestionCommand(string? Text) : ICommand<AskQuestionResult>;

/// <summary>The model's answer.</summary>
public sealed record AskQuestionResult(string Text)
{
    /// <summary>Whether the answer cache served it; <see cref="CacheOutcome.None"/> when the cache is off.</summary>
    public CacheOutcome Cache { get; init; }

    /// <summary>The route that served the answer (for a cache hit, the one that served it first).</summary>
    public string? Route { get; init; }
}
