using System.Runtime.CompilerServices;
using Chatbot.Domain.Chat;

namespace Chatbot.Application.Abstractions;

/// <summary>
/// Port to an LLM provider. An adapter turns the provider's failures into
/// <see cref="Chatbot.Domain.Providers.ProviderException"/>s; anything else it throws is a bug (500).
/// </summary>
public interface IChatCompletionProvider
{
    ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The answer in pieces as the provider produces them (deltas of every choice, tool-call pieces, finish reasons,
    /// and with <see cref="ChatCompletionRequest.IncludeUsage"/> a last piece with the usage); joined they equal the
    /// answer of <see cref="CompleteAsync"/>. A provider that cannot stream answers in one piece (this default).
    /// </summary>
    IAsyncEnumerable<ChatCompletionUpdate> StreamAsync(ChatCompletionRequest request, CancellationToken cancellationToken) =>
        InOnePiece(this, request, cancellationToken);

    private static async IAsyncEnumerable<ChatCompletionUpdate> InOnePiece(
        IChatCompletionProvider provider, ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var completion = await provider.CompleteAsync(request, cancellationToken);
        foreach (var update in ChatCompletionUpdates.Of(completion, request.IncludeUsage))
        {
            yield return update;
        }
    }
}
