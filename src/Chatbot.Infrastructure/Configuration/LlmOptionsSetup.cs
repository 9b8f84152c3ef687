using System.Diagnostics.CodeAnalysis;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// Binds <see cref="LlmOptions"/> to the default route of the <see cref="RouteTable"/> (read by
/// <see cref="RouteTableReader"/>), and reads the provider's variables (<see cref="Concern.Provider"/> in
/// <see cref="Variables"/>) for it with the one <see cref="SettingsReader"/>. Bad values throw
/// <see cref="OptionsValidationException"/> naming each variable; with <c>ValidateOnStart</c> that stops the start.
/// </summary>
public sealed class LlmOptionsSetup(IOptions<RouteTable> routes) : IConfigureOptions<LlmOptions>
{
    public const int MaxSystemPromptLength = 4096;

    /// <summary>The placeholder key env.example ships with: sent to a real provider, it could only fail.</summary>
    public const string PlaceholderApiKey = "sk-your-openai-api-key";

    /// <summary>What <c>LLM_BASE_URL</c> and a route's <c>baseUrl</c> must be, as their error lines say it.</summary>
    public const string BaseUrlRule = "must be an absolute http:// or https:// URL without query";

    /// <summary>
    /// Without a routes file, the one route is exactly what the variables say. With one, every consumer of
    /// <c>IOptions&lt;LlmOptions&gt;</c> predates routes: they get the default route's options (the route
    /// <c>/question</c> uses) until they ask the <see cref="RouteTable"/> for the route of their model.
    /// </summary>
    public void Configure(LlmOptions options) => routes.Value.Default.Llm.CopyTo(options);

    /// <summary>The variables that choose the one provider: <c>LLM_PROVIDER</c>, <c>LLM_BASE_URL</c>, <c>LLM_MODEL</c>, <c>LLM_API_KEY</c>.</summary>
    internal static void ReadProvider(SettingsReader reader, ProviderCatalog catalog, LlmOptions options)
    {
        // An empty variable (as a copied env.example leaves it) means "not set".
        var baseUrl = reader.Text(Variables.BaseUrl);
        options.ApiKey = reader.Text(Variables.ApiKey);

        var defaultProvider = baseUrl is not null || options.ApiKey is not null ? "openai" : "echo";
        var provider = (reader.Text(Variables.Provider) ?? defaultProvider).Trim().ToLowerInvariant();
        if (!catalog.Contains(provider))
        {
            reader.Fail(Variables.Provider, $"must name a registered provider ({string.Join(", ", catalog.Names)}), got '{provider}'.");
        }

        options.Provider = provider;
        if (IsPlaceholderKey(provider, options.ApiKey))
        {
            reader.Fail(Variables.ApiKey, $"is still env.example's placeholder '{PlaceholderApiKey}': set your provider's key (or leave it empty for a provider that needs none).");
        }

        if (baseUrl is not null)
        {
            if (TryParseBaseUrl(baseUrl, out var uri))
            {
                options.BaseUrl = uri;
            }
            else
            {
                reader.Fail(Variables.BaseUrl, $"{BaseUrlRule}, got '{UrlCredentials.Redact(baseUrl)}'.");
            }
        }

        if (reader.Raw(Variables.Model) is { } model)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                reader.Fail(Variables.Model, "must not be empty.");
            }
            else
            {
                options.Model = model.Trim();
            }
        }
    }

    /// <summary>
    /// The variables that shape every call (system prompt, sampling, timeout, retries, answer size): the one
    /// provider's settings, or, with a routes file, every route's defaults.
    /// </summary>
    internal static void ReadDefaults(SettingsReader reader, LlmOptions options)
    {
        var systemPrompt = reader.Raw(Variables.SystemPrompt);
        if (systemPrompt is { Length: > MaxSystemPromptLength })
        {
            reader.Fail(Variables.SystemPrompt, $"must be at most {MaxSystemPromptLength} characters, got {systemPrompt.Length}.");
        }

        options.SystemPrompt = string.IsNullOrEmpty(systemPrompt) ? null : systemPrompt;
        options.Temperature = reader.Number(Variables.Temperature);
        options.MaxTokens = reader.WholeNumber(Variables.MaxTokens);
        options.RequestTimeout = TimeSpan.FromSeconds(reader.Number(Variables.RequestTimeout));
        options.MaxAttempts = reader.WholeNumber(Variables.MaxAttempts) ?? options.MaxAttempts;
        options.RetryBaseDelay = TimeSpan.FromSeconds(reader.Number(Variables.RetryBaseDelay));
        options.RetryMaxDelay = TimeSpan.FromSeconds(reader.Number(Variables.RetryMaxDelay));
        options.MaxResponseBytes = 1024L * (reader.WholeNumber(Variables.MaxResponseKilobytes) ?? LlmOptions.DefaultMaxResponseKilobytes);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            reader.Fail(Variables.RetryMaxDelay, $"must not be less than {Variables.RetryBaseDelay.Name}.");
        }
    }

    /// <summary>An absolute http(s) URL without query or fragment (user information allowed: it is redacted when shown).</summary>
    internal static bool TryParseBaseUrl(string raw, [NotNullWhen(true)] out Uri? url)
    {
        if (Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            url = uri;
            return true;
        }

        url = null;
        return false;
    }

    /// <summary>env.example's placeholder key, for a provider that would send it (the echo one sends nothing).</summary>
    internal static bool IsPlaceholderKey(string provider, string? apiKey) =>
        provider != "echo" && string.Equals(apiKey?.Trim(), PlaceholderApiKey, StringComparison.Ordinal);
}
