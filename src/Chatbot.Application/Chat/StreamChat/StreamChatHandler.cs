using System.Runtime.CompilerServices;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Chat.Common;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Mediator;
using Microsoft.Extensions.Options;

namespace Chatbot.Application.Chat.StreamChat;

/// <summary>
/// Passes the provider's pieces on as they come, counting its failures and the tokens of the usage it reports. A
/// stream the client cancels still counts what the provider reported before the cut, labelled <c>cancelled</c>.
/// </summary>
public sealed class StreamChatHandler(IChatCompletionProvider provider, IOptions<LlmOptions> options, ChatbotMetrics metrics)
    : IStreamCommandHandler<StreamChatCommand, ChatCompletionUpdate>
{
    private readonly LlmOptions _options = options.Value;

    public IAsyncEnumerable<ChatCompletionUpdate> Handle(StreamChatCommand command, CancellationToken cancellationToken) =>
        Count(provider.StreamAsync(ChatRequests.For(command, _options), cancellationToken), cancellationToken);

    private async IAsyncEnumerable<ChatCompletionUpdate> Count(
        IAsyncEnumerable<ChatCompletionUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TokenUsage? usage = null;
        var model = _options.Model;
        var completed = false;
        try
        {
            await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        completed = true;
                        yield break;
                    }
                }
                catch (ProviderException ex)
                {
                    metrics.ProviderFailure(_options.Provider, ex.Kind);
                    throw;
                }

                var update = enumerator.Current;
                usage = update.Usage ?? usage;
                model = update.Model ?? model;
                yield return update;
            }
        }
        finally
        {
            if (usage is not null)
            {
                metrics.Tokens(_options.Provider, model, usage.PromptTokens, usage.CompletionTokens, cancelled: !completed);
            }
        }
    }
}
