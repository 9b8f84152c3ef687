using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// <c>LLM_ROUTES_FILE</c>: a JSON object <c>{"default": "model", "routes": [{...}, ...]}</c> (docs/configuration.md,
/// Routes). Each rule a file breaks is one failure line naming the file, the route and the rule; every one is
/// reported at once, as for the variables. Keys are never in the file: a route names the variable that holds its
/// key (<c>apiKeyEnv</c>), and that variable is read through the same configuration as the rest.
/// </summary>
internal sealed partial class RoutesFile
{
    private const string Default = "default";
    private const string RoutesField = "routes";
    private const string Model = "model";
    private const string Provider = "provider";
    private const string BaseUrl = "baseUrl";
    private const string ApiKeyEnv = "apiKeyEnv";
    private const string UpstreamModel = "upstreamModel";
    private const string Temperature = "temperature";
    private const string MaxTokens = "maxTokens";
    private const string SystemPrompt = "systemPrompt";
    private const string TimeoutSeconds = "timeoutSeconds";
    private const string MaxAttempts = "maxAttempts";
    private const string BreakSeconds = "breakSeconds";
    private const string Fallbacks = "fallbacks";

    private static readonly string[] TopFields = [Default, RoutesField];

    private static readonly string[] RouteFields =
    [
        Model, Provider, BaseUrl, ApiKeyEnv, UpstreamModel, Temperature, MaxTokens, SystemPrompt, TimeoutSeconds,
        MaxAttempts, BreakSeconds, Fallbacks,
    ];

    // With a file, these four say what each route says for itself: both at once would leave one of them ignored.
    private static readonly Variable[] ReplacedByTheFile = [Variables.Provider, Variables.BaseUrl, Variables.Model, Variables.ApiKey];

    private readonly string _path;
    private readonly SettingsReader _reader;
    private readonly ProviderCatalog _catalog;
    private readonly BreakerDefaults _breaker;
    private readonly LlmOptions _defaults;

    private RoutesFile(string path, SettingsReader reader, ProviderCatalog catalog, BreakerDefaults breaker, LlmOptions defaults)
    {
        _path = path;
        _reader = reader;
        _catalog = catalog;
        _breaker = breaker;
        _defaults = defaults;
    }

    /// <summary>The table the file at <paramref name="path"/> describes, or null when <paramref name="reader"/> has recorded why not.</summary>
    public static RouteTable? Read(string path, SettingsReader reader, ProviderCatalog catalog, BreakerDefaults breaker)
    {
        foreach (var variable in ReplacedByTheFile.Where(v => reader.Text(v) is not null))
        {
            reader.Fail(Variables.RoutesFile, $"and {variable.Name} are both set: with a routes file each route names its provider, base URL, model and key variable.");
        }

        var defaults = new LlmOptions();
        LlmOptionsSetup.ReadDefaults(reader, defaults);

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            reader.Fail(Variables.RoutesFile, $"must name a readable file, got '{path}' ({ex.GetType().Name}).");
            return null;
        }

        var file = new RoutesFile(path, reader, catalog, breaker, defaults);
        if (string.IsNullOrWhiteSpace(text))
        {
            file.Fail("is empty; it must be a JSON object with \"routes\".");
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            // The parser's own message may quote the file; the place is enough to find the mistake.
            file.Fail(string.Create(CultureInfo.InvariantCulture, $"is not JSON: line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1} of that line is where it stops being JSON."));
            return null;
        }

        using (document)
        {
            return file.ReadTable(document.RootElement);
        }
    }

    private RouteTable? ReadTable(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Fail($"must be a JSON object with \"routes\" and, optionally, \"default\"; got {Describe(root)}.");
            return null;
        }

        var top = Fields(root, TopFields, scope: null);
        if (!top.TryGetValue(RoutesField, out var list))
        {
            Fail("has no \"routes\": it must list at least one route.");
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            Fail($"routes must be an array of routes, got {Describe(list)}.");
            return null;
        }

        if (list.GetArrayLength() == 0)
        {
            Fail("routes must list at least one route.");
            return null;
        }

        var routes = new List<ChatRoute>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var position = 0;
        foreach (var element in list.EnumerateArray())
        {
            position++;
            if (ReadRoute(element, position) is not { } route)
            {
                continue;
            }

            if (positions.TryGetValue(route.Model, out var first))
            {
                Fail($"route {position}: model '{route.Model}' is route {first}'s already; each model names one route.");
                continue;
            }

            positions.Add(route.Model, position);
            routes.Add(route);
        }

        var defaultModel = ReadDefault(top, positions, routes);
        CheckFallbacks(routes, positions);

        // A table is only built from a file that broke no rule (nor did the variables it takes its defaults from).
        return _reader.Errors.Count == 0 && defaultModel is not null ? new RouteTable(routes, defaultModel, _path) : null;
    }

    private string? ReadDefault(Dictionary<string, JsonElement> top, Dictionary<string, int> positions, List<ChatRoute> routes)
    {
        // Without "default", /question uses the first route.
        if (!top.TryGetValue(Default, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return routes.FirstOrDefault()?.Model;
        }

        if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
        {
            Fail($"default must be the model of one of its routes, got {Describe(element)}.");
            return null;
        }

        var model = element.GetString()!.Trim();
        if (!positions.ContainsKey(model))
        {
            Fail($"default names '{model}', which is no route of the file ({string.Join(", ", positions.Keys)}).");
            return null;
        }

        return model;
    }

    private ChatRoute? ReadRoute(JsonElement element, int position)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Fail($"route {position} must be an object, got {Describe(element)}.");
            return null;
        }

        // A route is named by its model wherever it has one, so that its error lines say which route they mean.
        var named = element.TryGetProperty(Model, out var m) && m.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(m.GetString());
        var scope = named ? $"route '{m.GetString()!.Trim()}'" : $"route {position}";
        var fields = Fields(element, RouteFields, scope);

        string? model = null;
        if (!fields.TryGetValue(Model, out var modelElement))
        {
            Fail($"{scope}: model is missing; it is the name clients ask for.");
        }
        else if (!named)
        {
            Fail($"{scope}: model must be a non-empty string, got {Describe(modelElement)}.");
        }
        else
        {
            model = modelElement.GetString()!.Trim();
            if (model.Any(c => c is < ' ' or > '~'))
            {
                // It goes back to clients in the X-Route header, and a cached answer keeps it before a line break.
                Fail($"{scope}: model must be printable ASCII (it is sent back in the X-Route header).");
                model = null;
            }
        }

        var llm = _defaults.Clone();
        llm.Provider = ReadProvider(fields, scope) ?? llm.Provider;
        ReadBaseUrl(fields, scope, llm);
        var apiKeyEnv = ReadApiKey(fields, scope, llm);
        llm.Model = ReadUpstreamModel(fields, scope) ?? model ?? llm.Model;
        llm.Temperature = Number(fields, Temperature, Variables.Temperature, scope) ?? llm.Temperature;
        llm.MaxTokens = WholeNumber(fields, MaxTokens, Variables.MaxTokens, scope) ?? llm.MaxTokens;
        if (Text(fields, SystemPrompt, scope) is { } systemPrompt)
        {
            if (systemPrompt.Length > LlmOptionsSetup.MaxSystemPromptLength)
            {
                Fail($"{scope}: systemPrompt must be at most {LlmOptionsSetup.MaxSystemPromptLength} characters, got {systemPrompt.Length}.");
            }

            // As for LLM_SYSTEM_PROMPT, empty means none: a route may drop the prompt the variable gives the others.
            llm.SystemPrompt = systemPrompt.Length == 0 ? null : systemPrompt;
        }

        if (Number(fields, TimeoutSeconds, Variables.RequestTimeout, scope) is { } timeout)
        {
            llm.RequestTimeout = TimeSpan.FromSeconds(timeout);
        }

        llm.MaxAttempts = WholeNumber(fields, MaxAttempts, Variables.MaxAttempts, scope) ?? llm.MaxAttempts;
        var breakDuration = Number(fields, BreakSeconds, Variables.BreakerSeconds, scope) is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : _breaker.Duration;
        var fallbacks = ReadFallbacks(fields, scope);

        return model is null ? null : new ChatRoute(model, llm, fallbacks.ToArray(), breakDuration, _breaker.Failures, apiKeyEnv);
    }

    private string? ReadProvider(Dictionary<string, JsonElement> fields, string scope)
    {
        var registered = string.Join(", ", _catalog.Names);
        if (!fields.TryGetValue(Provider, out var element))
        {
            Fail($"{scope}: provider is missing; it must name a registered provider ({registered}).");
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            Fail($"{scope}: provider must name a registered provider ({registered}), got {Describe(element)}.");
            return null;
        }

        var provider = element.GetString()!.Trim().ToLowerInvariant();
        if (!_catalog.Contains(provider))
        {
            Fail($"{scope}: provider must name a registered provider ({registered}), got '{provider}'.");
            return null;
        }

        return provider;
    }

    private void ReadBaseUrl(Dictionary<string, JsonElement> fields, string scope, LlmOptions llm)
    {
        if (Text(fields, BaseUrl, scope) is not { } raw)
        {
            // The echo provider calls nothing; every other one is asked somewhere, and no URL is everyone's default.
            var given = fields.TryGetValue(BaseUrl, out var element) && element.ValueKind != JsonValueKind.Null;
            if (!given && llm.Provider != "echo")
            {
                Fail($"{scope}: baseUrl is missing; every route but an echo one names its provider's URL.");
            }

            return;
        }

        if (LlmOptionsSetup.TryParseBaseUrl(raw, out var url))
        {
            llm.BaseUrl = url;
        }
        else
        {
            Fail($"{scope}: baseUrl {LlmOptionsSetup.BaseUrlRule}, got '{UrlCredentials.Redact(raw)}'.");
        }
    }

    /// <summary>The key from the variable <c>apiKeyEnv</c> names, into <paramref name="llm"/>; returns that name.</summary>
    private string? ReadApiKey(Dictionary<string, JsonElement> fields, string scope, LlmOptions llm)
    {
        llm.ApiKey = null;
        if (!fields.TryGetValue(ApiKeyEnv, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Never echoed when it is not a variable's name: it may be a key pasted in the wrong place.
        if (element.ValueKind != JsonValueKind.String || !VariableName().IsMatch(element.GetString()!))
        {
            Fail($"{scope}: apiKeyEnv must name the variable that holds the key (capitals, digits and _, not starting with a digit); it does not, and is not shown in case it is a key.");
            return null;
        }

        var name = element.GetString()!;
        if (Variables.All.Any(v => v.Name == name))
        {
            Fail($"{scope}: apiKeyEnv must name a variable of your own, not the service's {name}.");
            return null;
        }

        llm.ApiKey = _reader.OperatorVariable(name);
        if (llm.ApiKey is null)
        {
            Fail($"{scope}: apiKeyEnv names {name}, which is not set (or is empty).");
        }
        else if (LlmOptionsSetup.IsPlaceholderKey(llm.Provider, llm.ApiKey))
        {
            Fail($"{scope}: {name} (its apiKeyEnv) is still env.example's placeholder '{LlmOptionsSetup.PlaceholderApiKey}': set your provider's key.");
        }

        return name;
    }

    private string? ReadUpstreamModel(Dictionary<string, JsonElement> fields, string scope)
    {
        if (!fields.TryGetValue(UpstreamModel, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
        {
            Fail($"{scope}: upstreamModel must be a non-empty string (or absent: the route's model), got {Describe(element)}.");
            return null;
        }

        return element.GetString()!.Trim();
    }

    private List<string> ReadFallbacks(Dictionary<string, JsonElement> fields, string scope)
    {
        var fallbacks = new List<string>();
        if (!fields.TryGetValue(Fallbacks, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return fallbacks;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            Fail($"{scope}: fallbacks must be an array of route models, got {Describe(element)}.");
            return fallbacks;
        }

        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                Fail($"{scope}: fallbacks must list route models, got {Describe(item)}.");
                continue;
            }

            var model = item.GetString()!.Trim();
            if (fallbacks.Contains(model, StringComparer.Ordinal))
            {
                Fail($"{scope}: fallbacks names '{model}' twice.");
                continue;
            }

            fallbacks.Add(model);
        }

        return fallbacks;
    }

    /// <summary>Every fallback names a route, and no route's fallbacks lead back to it (one line per cycle).</summary>
    private void CheckFallbacks(List<ChatRoute> routes, Dictionary<string, int> positions)
    {
        var next = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            foreach (var unknown in route.Fallbacks.Where(f => !positions.ContainsKey(f)))
            {
                Fail($"route '{route.Model}': fallbacks names '{unknown}', which is no route of the file.");
            }

            next[route.Model] = route.Fallbacks.Where(positions.ContainsKey).ToList();
        }

        var inReportedCycle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in routes.Where(r => !inReportedCycle.Contains(r.Model)))
        {
            if (ShortestWayBack(route.Model, next) is { } cycle)
            {
                Fail($"route '{route.Model}': fallbacks must not lead back to it, but they do: {string.Join(" → ", cycle)}.");
                inReportedCycle.UnionWith(cycle);
            }
        }
    }

    /// <summary>The shortest chain of fallbacks from <paramref name="start"/> back to it (start first and last), or null.</summary>
    private static List<string>? ShortestWayBack(string start, Dictionary<string, List<string>> next)
    {
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var fallback in next[current])
            {
                if (fallback == start)
                {
                    var way = new List<string> { start };
                    for (var at = current; at != start; at = cameFrom[at])
                    {
                        way.Insert(1, at);
                    }

                    way.Add(start);
                    return way;
                }

                if (cameFrom.TryAdd(fallback, current))
                {
                    queue.Enqueue(fallback);
                }
            }
        }

        return null;
    }

    /// <summary>The object's fields by name; an unknown or repeated one is a failure (JSON would silently keep the last).</summary>
    private Dictionary<string, JsonElement> Fields(JsonElement element, string[] known, string? scope)
    {
        var (before, after) = scope is null ? (string.Empty, " at the top") : (scope + ": ", string.Empty);
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                var hint = property.Name.Contains("key", StringComparison.OrdinalIgnoreCase) && known.Contains(ApiKeyEnv)
                    ? "; a key is never in the file: apiKeyEnv names the variable that holds it"
                    : string.Empty;
                Fail($"{before}unknown field '{property.Name}'{after} (the fields are {string.Join(", ", known)}){hint}.");
            }
            else if (!fields.TryAdd(property.Name, property.Value))
            {
                Fail($"{before}field '{property.Name}' is there twice{after}.");
            }
        }

        return fields;
    }

    private string? Text(Dictionary<string, JsonElement> fields, string name, string scope)
    {
        if (!fields.TryGetValue(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString();
        }

        Fail($"{scope}: {name} must be a string, got {Describe(element)}.");
        return null;
    }

    // The ranges are the variables' own: a route may say for itself what LLM_TEMPERATURE says for all.
    private double? Number(Dictionary<string, JsonElement> fields, string name, NumberVariable rule, string scope)
    {
        if (!fields.TryGetValue(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var value) && rule.Accepts(value))
        {
            return value;
        }

        Fail($"{scope}: {name} must be {rule.Bounds}, got {Shown(element)}.");
        return null;
    }

    private int? WholeNumber(Dictionary<string, JsonElement> fields, string name, WholeNumberVariable rule, string scope)
    {
        if (!fields.TryGetValue(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && value >= rule.Min && value <= rule.Max)
        {
            return value;
        }

        Fail($"{scope}: {name} must be {rule.Bounds}, got {Shown(element)}.");
        return null;
    }

    /// <summary>One line: <c>LLM_ROUTES_FILE '&lt;path&gt;': [route '&lt;model&gt;': ]&lt;rule&gt;</c>.</summary>
    private void Fail(string rule) => _reader.Fail(Variables.RoutesFile, $"'{_path}': {rule}");

    // A number as written; anything else by its kind only (a string may be a secret in the wrong field).
    private static string Shown(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? element.GetRawText() : Describe(element);

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => string.IsNullOrWhiteSpace(element.GetString()) ? "an empty string" : "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$")]
    private static partial Regex VariableName();
}
