using Chatbot.Application.Abstractions;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat;

/// <summary>One message of a conversation as a client sent it (OpenAI's roles: system, developer, user, assistant).</summary>
public sealed record ChatMessageInput(string? Role, string? Content);

/// <summary>A whole conversation for the configured model, OpenAI-style; the answer comes back in one piece.</summary>
public sealed record CompleteChatCommand(IReadOnlyList<ChatMessageInput>? Messages, string? Model, double? Temperature, int? MaxTokens)
    : ICommand<ChatCompletion>, IChatCommand;

/// <summary>The same conversation, answered in pieces as they come.</summary>
public sealed record StreamChatCommand(IReadOnlyList<ChatMessageInput>? Messages, string? Model, double? Temperature, int? MaxTokens)
    : IStreamCommand<string>, IChatCommand;

/// <summary>What the plain and the streamed chat have in common, for one set of rules and one mapping.</summary>
public interface IChatCommand
{
    IReadOnlyList<ChatMessageInput>? Messages { get; }

    string? Model { get; }

    double? Temperature { get; }

    int? MaxTokens { get; }
}

public static class ChatLimits
{
    public const int MaxMessages = 100;

    /// <summary>Per message, in Unicode code points; the 64 KiB body limit bounds the whole conversation.</summary>
    public const int MaxContentLength = 32_768;

    public static readonly IReadOnlyDictionary<string, ChatRole> Roles = new Dictionary<string, ChatRole>(StringComparer.Ordinal)
    {
        ["system"] = ChatRole.System,
        ["developer"] = ChatRole.System,
        ["user"] = ChatRole.User,
        ["assistant"] = ChatRole.Assistant,
    };
}

/// <summary>
/// The use case's rules: the service's limits (number and size of messages, max_tokens), the served model, and what
/// the handler needs to build the domain's messages (at least one, each with a role it maps and some content).
/// OpenAI's wire shape (message objects, content parts, temperature's range) is the HTTP contract's validator's, in the Api.
/// </summary>
public abstract class ChatCommandValidator<T> : AbstractValidator<T>
    where T : IChatCommand
{
    protected ChatCommandValidator(IOptions<LlmOptions> options)
    {
        var model = options.Value.Model;
        RuleFor(c => c.Messages)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("'messages' is required.")
            .Must(m => m!.Count > 0).WithMessage("'messages' must contain at least one message.")
            .Must(m => m!.Count <= ChatLimits.MaxMessages).WithMessage($"'messages' must contain at most {ChatLimits.MaxMessages} messages.");
        RuleForEach(c => c.Messages).ChildRules(message =>
        {
            message.RuleFor(m => m.Role)
                .Must(role => role is not null && ChatLimits.Roles.ContainsKey(role))
                .WithMessage("'role' must be one of system, developer, user, assistant.");
            message.RuleFor(m => m.Content)
                .Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("'content' must be a non-empty string.")
                .Must(c => Questions.Common.QuestionTextRules.CountCodePoints(c!) <= ChatLimits.MaxContentLength)
                .WithMessage($"'content' must be at most {ChatLimits.MaxContentLength} characters long.");
        }).When(c => c.Messages is not null);
        RuleFor(c => c.Model)
            .Must(m => m is null || string.Equals(m, model, StringComparison.OrdinalIgnoreCase))
            .WithErrorCode("model_not_found")
            .WithMessage(c => $"The model '{c.Model}' does not exist here; this service serves '{model}' (see GET /v1/models).");
        RuleFor(c => c.MaxTokens).InclusiveBetween(1, 100_000).When(c => c.MaxTokens is not null)
            .WithMessage("'max_tokens' must be between 1 and 100000.");
    }
}

public sealed class CompleteChatCommandValidator(IOptions<LlmOptions> options) : ChatCommandValidator<CompleteChatCommand>(options);

public sealed class StreamChatCommandValidator(IOptions<LlmOptions> options) : ChatCommandValidator<StreamChatCommand>(options);

public sealed class CompleteChatHandler(IChatCompletionProvider provider, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : ICommandHandler<CompleteChatCommand, ChatCompletion>, IStreamCommandHandler<StreamChatCommand, string>
{
    private readonly LlmOptions _options = options.Value;

    public async ValueTask<ChatCompletion> Handle(CompleteChatCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var completion = await provider.CompleteAsync(ToRequest(command), cancellationToken);
            if (completion.Usage is { } usage)
            {
                metrics.Tokens(_options.Provider, completion.Model, usage.PromptTokens, usage.CompletionTokens);
            }

            return completion;
        }
        catch (ProviderException ex)
        {
            metrics.ProviderFailure(_options.Provider, ex.Kind);
            throw;
        }
    }

    public IAsyncEnumerable<string> Handle(StreamChatCommand command, CancellationToken cancellationToken) =>
        provider.StreamAsync(ToRequest(command), cancellationToken);

    // The client's conversation as it is: LLM_SYSTEM_PROMPT belongs to /question, not to OpenAI's surface.
    private ChatCompletionRequest ToRequest(IChatCommand command) => new(
        [.. command.Messages!.Select(m => new ChatMessage(ChatLimits.Roles[m.Role!], m.Content!))],
        _options.Model,
        command.Temperature ?? _options.Temperature,
        command.MaxTokens ?? _options.MaxTokens);
}
