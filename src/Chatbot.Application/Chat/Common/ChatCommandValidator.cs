using Chatbot.Application.Options;
using Chatbot.Application.Questions.Common;
using Chatbot.Domain.Chat;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat.Common;

/// <summary>
/// The use case's rules in the domain's words: the service's limits (number and size of messages, the token limits),
/// what makes a message one, and the served model. The wire's rules (OpenAI's JSON, its roles, ranges and part types)
/// are the Api's: its validator checks them at model binding, and it spells a failure's property path the wire's
/// way (<c>Messages[2].Content</c> is <c>messages[2].content</c>).
/// </summary>
public abstract class ChatCommandValidator<T> : AbstractValidator<T>
    where T : IChatCommand
{
    /// <summary>The error code of a model this service does not serve.</summary>
    public const string ModelNotServed = "model_not_found";

    protected ChatCommandValidator(IOptions<RouteTable> routes)
    {
        var table = routes.Value;
        var served = string.Join("', '", table.Routes.Select(r => r.Model));
        RuleFor(c => c.Request.Messages)
            .Cascade(CascadeMode.Stop)
            .Must(m => m is { Count: > 0 }).WithMessage("A conversation needs at least one message.")
            .Must(m => m.Count <= ChatLimits.MaxMessages).WithMessage($"A conversation may hold at most {ChatLimits.MaxMessages} messages.")
            .OverridePropertyName("Messages");
        // One loop over the messages rather than a child validator per message (each would build its own context).
        RuleFor(c => c.Request.Messages).Custom(CheckContents).When(c => c.Request.Messages is { Count: <= ChatLimits.MaxMessages });
        RuleFor(c => c.Request.Model)
            .Must(m => m.Length == 0 || table.Find(m) is not null)
            .WithErrorCode(ModelNotServed)
            .WithMessage(c => $"The model '{c.Request.Model}' is not served here; this service serves '{served}'.")
            .OverridePropertyName("Model");
        RuleFor(c => c.Request.MaxTokens).InclusiveBetween(1, ChatLimits.MaxTokens).When(c => c.Request.MaxTokens is not null)
            .WithMessage($"The token limit must be between 1 and {ChatLimits.MaxTokens}.")
            .OverridePropertyName("MaxTokens");
        RuleFor(c => c.Request.MaxCompletionTokens).InclusiveBetween(1, ChatLimits.MaxTokens).When(c => c.Request.MaxCompletionTokens is not null)
            .WithMessage($"The token limit must be between 1 and {ChatLimits.MaxTokens}.")
            .OverridePropertyName("MaxCompletionTokens");
    }

    private static void CheckContents(IReadOnlyList<ChatMessage> messages, ValidationContext<T> context)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (string.IsNullOrEmpty(message.Text) && message.Parts is not { Count: > 0 } && !MayBeEmpty(message))
            {
                context.AddFailure($"Messages[{i}].Content", "A message needs some content.");
            }
            else if (message.Text is { } text && QuestionTextRules.CountCodePoints(text) > ChatLimits.MaxContentLength)
            {
                context.AddFailure($"Messages[{i}].Content", $"A message may be at most {ChatLimits.MaxContentLength} characters long.");
            }
        }
    }

    // An assistant's turn may be only tool calls or a refusal.
    private static bool MayBeEmpty(ChatMessage message) =>
        message.Role == ChatRole.Assistant && (message.ToolCalls is { Count: > 0 } || message.Refusal is not null);
}
