using Chatbot.Application.Questions.Common;
using FluentValidation;

namespace Chatbot.Application.Questions.AskQuestion;

public sealed class AskQuestionCommandValidator : AbstractValidator<AskQuestionCommand>
{
    public AskQuestionCommandValidator() => RuleFor(c => c.Text).ValidQuestionText();
}
