using Chatbot.Application.Abstractions;
using Chatbot.Application.Chat.Common;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat.CompleteChat;

/// <summary>Asks the provider and returns its answer as it is: every choice, null content included (tool calls, a refusal).</summary>
public sealed class CompleteChatHandler(IChatCompletionProvider provider, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : ICommandHandler<CompleteChatCommand, ChatCompletion>
{
    private readonly LlmOptions _options = options.Value;

    public async ValueTask<ChatCompletion> Handle(CompleteChatCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var completion = await provider.CompleteAsync(ChatRequests.For(command, _options), cancellationToken);
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
}
