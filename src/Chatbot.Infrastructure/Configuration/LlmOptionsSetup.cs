using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// Binds <see cref="LlmOptions"/> from the provider's variables (<see cref="Concern.Provider"/> in
/// <see cref="Variables"/>) with the one <see cref="SettingsReader"/>. Bad values throw
/// <see cref="OptionsValidationException"/> naming each variable; with <c>ValidateOnStart</c> that stops the start.
/// </summary>
public sealed class LlmOptionsSetup(IConfiguration configuration, ProviderCatalog catalog) : IConfigureOptions<LlmOptions>
{
    public const int MaxSystemPromptLength = 4096;

    /// <summary>The placeholder key env.example ships with: sent to a real provider, it could only fail.</summary>
    public const string PlaceholderApiKey = "sk-your-openai-api-key";

    public void Configure(LlmOptions options)
    {
        var reader = new SettingsReader(configuration);

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
        if (provider != "echo" && string.Equals(options.ApiKey?.Trim(), PlaceholderApiKey, StringComparison.Ordinal))
        {
            reader.Fail(Variables.ApiKey, $"is still env.example's placeholder '{PlaceholderApiKey}': set your provider's key (or leave it empty for a provider that needs none).");
        }

        if (baseUrl is not null)
        {
            if (Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
            {
                options.BaseUrl = uri;
            }
            else
            {
                reader.Fail(Variables.BaseUrl, $"must be an absolute http:// or https:// URL without query, got '{UrlCredentials.Redact(baseUrl)}'.");
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

        reader.ThrowIfInvalid<LlmOptions>();
    }
}
