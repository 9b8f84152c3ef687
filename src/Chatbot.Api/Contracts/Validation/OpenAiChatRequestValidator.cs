using FluentValidation;

namespace Chatbot.Api.Contracts.Validation;

/// <summary>
/// The wire shape of OpenAI's chat request, checked at model binding: a non-empty array of message objects, each
/// with a known role and a string or text-part content, and OpenAI's temperature range. The service's own limits
/// (number and size of messages, max_tokens, the served model) stay in the command's validator in Application.
/// Property names are the JSON names, so a failure's property is OpenAI's <c>param</c> as it is.
/// </summary>
public sealed class OpenAiChatRequestValidator : AbstractValidator<OpenAiChatRequest>
{
    public OpenAiChatRequestValidator()
    {
        RuleFor(r => r.Messages)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("'messages' is required.")
            .Must(m => m!.Count > 0).WithMessage("'messages' must contain at least one message.")
            .OverridePropertyName("messages");
        // No Cascade(Stop) here: on a collection it would stop at the first bad message. Child rules skip a null one.
        RuleForEach(r => r.Messages)
            .NotNull().WithMessage("'messages[{CollectionIndex}]' must be an object with a role and a content, not null.")
            .ChildRules(message =>
            {
                message.RuleFor(m => m.Role)
                    .Must(role => role is not null && OpenAiRoles.ToDomain.ContainsKey(role))
                    .WithMessage($"'role' must be one of {OpenAiRoles.Names}.")
                    .OverridePropertyName("role");
                message.RuleFor(m => m.Text())
                    .NotNull().WithMessage("'content' must be a string or an array of text parts.")
                    .OverridePropertyName("content");
            })
            .OverridePropertyName("messages");
        RuleFor(r => r.Temperature)
            .InclusiveBetween(0.0, 2.0).When(r => r.Temperature is not null)
            .WithMessage("'temperature' must be between 0 and 2.")
            .OverridePropertyName("temperature");
    }
}
