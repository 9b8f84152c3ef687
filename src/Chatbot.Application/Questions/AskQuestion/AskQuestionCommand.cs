using Mediator;

namespace Chatbot.Application.Questions.AskQuestion;

/// <summary>Ask the configured model one question.</summary>
public sealed record AskQuestionCommand(string? Text) : ICommand<AskQuestionResult>;

/// <summary>The model's answer.</summary>
public sealed record AskQuestionResult(string Text);
