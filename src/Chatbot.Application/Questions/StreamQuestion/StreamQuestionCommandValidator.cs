using Chatbot.Application.Questions.Common;
using FluentValidation;

namespace Chatbot.Application.Questions.StreamQuestion;

public sealed class StreamQuestionCommandValidator : AbstractValidator<StreamQuestionCommand>
{
    public StreamQuestionCommandValidator() => RuleFor(c => c.Text).ValidQuestionText();
}
