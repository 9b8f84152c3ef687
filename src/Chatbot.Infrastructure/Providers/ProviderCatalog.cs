using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;

namespace Chatbot.Infrastructure.Providers;

/// <summary>
/// The registered provider adapters by name (<c>LLM_PROVIDER</c> and a route's <c>provider</c> must be one of them),
/// and how each is built for one route: from the route's HttpClient and options.
/// </summary>
public sealed class ProviderCatalog
{
    private readonly SortedDictionary<string, ChatProviderFactory> _factories = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _factories.Keys;

    public bool Contains(string name) => _factories.ContainsKey(name);

    /// <summary>The adapter <paramref name="name"/> for one route.</summary>
    public IChatCompletionProvider Create(string name, IServiceProvider services, HttpClient httpClient, LlmOptions options) =>
        _factories.TryGetValue(name, out var factory)
            ? factory(services, httpClient, options)
            : throw new InvalidOperationException($"No provider adapter is registered as '{name}'.");

    internal void Add(string name, ChatProviderFactory factory) => _factories[name] = factory;
}

/// <summary>Builds an adapter for one route: <paramref name="httpClient"/> is the route's, with its whole pipeline.</summary>
public delegate IChatCompletionProvider ChatProviderFactory(IServiceProvider services, HttpClient httpClient, LlmOptions options);
