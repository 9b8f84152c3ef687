namespace Chatbot.Infrastructure.Providers;

/// <summary>The names of the registered provider adapters; <c>LLM_PROVIDER</c> must be one of them.</summary>
public sealed class ProviderCatalog
{
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _names;

    public bool Contains(string name) => _names.Contains(name);

    internal void Add(string name) => _names.Add(name);
}
