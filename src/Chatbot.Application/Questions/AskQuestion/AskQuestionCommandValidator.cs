using Chatbot.Application.Questions.Common;
using FluentValidation;

namespace Chatbot.Application.Questions.AskQuestion;

public sealed class AskQuestionCommandValidator : AbstractValidator<AskQuestionCommand>
{
    /// <summary>Counted in Unicode code points, as the original (Python) service counted characters.</summary>
    public const int MaxTextLength = QuestionTextRules.MaxTextLength;

    public AskQuestionCommandValidator() => RuleFor(c => c.Text).ValidQuestionText();
}
