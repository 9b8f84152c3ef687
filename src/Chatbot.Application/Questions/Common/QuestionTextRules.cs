using FluentValidation;

namespace Chatbot.Application.Questions.Common;

/// <summary>The rules of a question's text, shared by the plain and the streamed question.</summary>
public static class QuestionTextRules
{
    /// <summary>Counted in Unicode code points, as the original (Python) service counted characters.</summary>
    public const int MaxTextLength = 1024;

    public static IRuleBuilderOptions<T, string?> ValidQuestionText<T>(this IRuleBuilderInitial<T, string?> rule) => rule
        .Cascade(CascadeMode.Stop)
        .NotNull().WithMessage("The text field is required.")
        .Must(text => text!.Length > 0).WithMessage("The text must not be empty.")
        .Must(text => !string.IsNullOrWhiteSpace(text)).WithMessage("The text must not be blank.")
        .Must(text => CountCodePoints(text!) <= MaxTextLength)
        .WithMessage($"The text must be at most {MaxTextLength} characters long.");

    public static int CountCodePoints(string text)
    {
        // Every code point takes one or two UTF-16 units, so a short string needs no counting.
        if (text.Length <= MaxTextLength)
        {
            return text.Length;
        }

        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
