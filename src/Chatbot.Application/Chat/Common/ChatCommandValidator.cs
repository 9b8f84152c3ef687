using Chatbot.Application.Options;
using Chatbot.Application.Questions.Common;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat.Common;

/// <summary>
/// The use case's rules in the domain's words: the service's limits (number and size of messages, the token limit)
/// and the served model. The wire's shape and names (OpenAI's JSON, its roles) are the Api's: its validator checks
/// them at model binding, and it spells a failure's property path the wire's way (<c>Messages[2].Content</c> is
/// <c>messages[2].content</c>).
/// </summary>
public abstract class ChatCommandValidator<T> : AbstractValidator<T>
    where T : IChatCommand
{
    /// <summary>The error code of a model this service does not serve.</summary>
    public const string ModelNotServed = "model_not_found";

    protected ChatCommandValidator(IOptions<LlmOptions> options)
    {
        var served = options.Value.Model;
        RuleFor(c => c.Messages)
            .Cascade(CascadeMode.Stop)
            .Must(m => m is { Count: > 0 }).WithMessage("A conversation needs at least one message.")
            .Must(m => m!.Count <= ChatLimits.MaxMessages).WithMessage($"A conversation may hold at most {ChatLimits.MaxMessages} messages.");
        RuleForEach(c => c.Messages).ChildRules(message =>
            message.RuleFor(m => m.Content)
                .Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("A message needs some content.")
                .Must(c => QuestionTextRules.CountCodePoints(c) <= ChatLimits.MaxContentLength)
                .WithMessage($"A message may be at most {ChatLimits.MaxContentLength} characters long."))
            .When(c => c.Messages is not null);
        RuleFor(c => c.Model)
            .Must(m => m is null || string.Equals(m, served, StringComparison.OrdinalIgnoreCase))
            .WithErrorCode(ModelNotServed)
            .WithMessage(c => $"The model '{c.Model}' is not served here; this service serves '{served}'.");
        RuleFor(c => c.MaxTokens).InclusiveBetween(1, ChatLimits.MaxTokens).When(c => c.MaxTokens is not null)
            .WithMessage($"The token limit must be between 1 and {ChatLimits.MaxTokens}.");
    }
}
