using Chatbot.Domain.Chat;

namespace Chatbot.Application.Abstractions;

/// <summary>
/// Port to an LLM provider. An adapter turns the provider's failures into
/// <see cref="Chatbot.Domain.Providers.ProviderException"/>s; anything else it throws is a bug (500).
/// </summary>
public interface IChatCompletionProvider
{
    ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken);
}
