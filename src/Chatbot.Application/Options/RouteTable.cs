using System.Diagnostics.CodeAnalysis;

namespace Chatbot.Application.Options;

/// <summary>
/// Every model the service serves, read once at start: the routes of <c>LLM_ROUTES_FILE</c>, or, without one, the
/// single route that the <c>LLM_*</c> variables describe (its model is <c>LLM_MODEL</c>). Get it from DI as
/// <c>IOptions&lt;RouteTable&gt;</c> (or <see cref="RouteTable"/> itself); a bad file stops the start.
/// </summary>
public sealed class RouteTable
{
    private readonly Dictionary<string, ChatRoute> _byModel;
    private readonly Dictionary<string, ChatRoute> _anyCase = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="routes">At least one route; model names unique (compared ordinally, as clients send them).</param>
    /// <param name="defaultModel">The model of the route that <c>/question</c> uses.</param>
    /// <param name="filePath">The routes file as <c>LLM_ROUTES_FILE</c> names it; null when the variables define the one route.</param>
    public RouteTable(IReadOnlyList<ChatRoute> routes, string defaultModel, string? filePath)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(defaultModel);
        if (routes.Count == 0)
        {
            throw new ArgumentException("A route table has at least one route.", nameof(routes));
        }

        _byModel = new Dictionary<string, ChatRoute>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (!_byModel.TryAdd(route.Model, route))
            {
                throw new ArgumentException($"Route '{route.Model}' is there twice.", nameof(routes));
            }

            _anyCase.TryAdd(route.Model, route);
        }

        Default = _byModel.TryGetValue(defaultModel, out var chosen)
            ? chosen
            : throw new ArgumentException($"No route serves the default model '{defaultModel}'.", nameof(defaultModel));
        Routes = routes.ToArray();
        FilePath = filePath;

        // Longest first: a key that contains another is scrubbed whole before the shorter one could cut it apart.
        Secrets = routes.Select(r => r.Llm.ApiKey).OfType<string>().Where(k => k.Length > 0)
            .Distinct(StringComparer.Ordinal).OrderByDescending(k => k.Length).ToArray();
    }

    /// <summary>The route <c>/question</c> uses, and that <c>IOptions&lt;LlmOptions&gt;</c> describes.</summary>
    public ChatRoute Default { get; }

    /// <summary>In the order the file lists them.</summary>
    public IReadOnlyList<ChatRoute> Routes { get; }

    /// <summary>True when the routes come from <c>LLM_ROUTES_FILE</c>.</summary>
    [MemberNotNullWhen(true, nameof(FilePath))]
    public bool FromFile => FilePath is not null;

    public string? FilePath { get; }

    /// <summary>Every route's key, each once, longest first: scrub them wherever <c>LLM_API_KEY</c> is scrubbed.</summary>
    public IReadOnlyList<string> Secrets { get; }

    /// <summary>The route serving <paramref name="model"/>, matched exactly (ordinal, case-sensitive).</summary>
    public bool TryGet(string model, [MaybeNullWhen(false)] out ChatRoute route)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _byModel.TryGetValue(model, out route);
    }

    /// <summary>
    /// The route a client's <paramref name="model"/> names: exactly, else in any case (<c>GPT-4o-mini</c> finds
    /// <c>gpt-4o-mini</c>, as before routes); null when none does.
    /// </summary>
    public ChatRoute? Find(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _byModel.TryGetValue(model, out var exact) ? exact : _anyCase.GetValueOrDefault(model);
    }
}
