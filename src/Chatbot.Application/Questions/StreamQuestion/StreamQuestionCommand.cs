using Chatbot.Application.Questions.Caching;
using Mediator;

namespace Chatbot.Application.Questions.StreamQuestion;

/// <summary>Ask the configured model one question and get its answer in pieces as they come.</summary>
public sealed record StreamQuestionCommand(string? Text) : IStreamCommand<AnswerPiece>;

/// <summary>
/// A piece of a streamed answer, and whether the answer cache served it (<see cref="CacheOutcome.None"/> when the
/// cache is off): the first piece tells, and the stream's headers go out with it.
/// </summary>
public readonly record struct AnswerPiece(string Text, CacheOutcome Cache = CacheOutcome.None, string? Route = null);
