using Chatbot.Application.Options;

namespace Chatbot.Application.Abstractions;

/// <summary>The adapter of each route: its provider, over that route's own HttpClient, retries and circuit breaker.</summary>
public interface IRouteProviders
{
    IChatCompletionProvider For(ChatRoute route);
}
