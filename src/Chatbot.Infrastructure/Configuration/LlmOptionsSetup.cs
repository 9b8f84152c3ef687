using System.Globalization;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// Binds <see cref="LlmOptions"/> from the flat LLM_* variables and checks every rule of the configuration
/// table. A bad value throws <see cref="OptionsValidationException"/> naming the variable; with
/// <c>ValidateOnStart</c> that stops the start.
/// </summary>
public sealed class LlmOptionsSetup(IConfiguration configuration, ProviderCatalog catalog) : IConfigureOptions<LlmOptions>
{
    public const int MaxSystemPromptLength = 4096;

    /// <summary>1 GiB: past that, one answer alone could take the process down.</summary>
    public const int MaxResponseKilobytes = 1024 * 1024;

    public void Configure(LlmOptions options)
    {
        var errors = new List<string>();
        var reader = new Reader(configuration, errors);

        // An empty variable (as a copied env.example leaves it) means "not set".
        var baseUrl = reader.Text(EnvironmentVariables.BaseUrl) is { } b && !string.IsNullOrWhiteSpace(b) ? b : null;
        var apiKey = reader.Text(EnvironmentVariables.ApiKey);
        options.ApiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;

        var defaultProvider = baseUrl is not null || options.ApiKey is not null ? "openai" : "echo";
        var provider = (reader.Text(EnvironmentVariables.Provider) is { } p && !string.IsNullOrWhiteSpace(p) ? p : defaultProvider)
            .Trim().ToLowerInvariant();
        if (!catalog.Contains(provider))
        {
            errors.Add($"{EnvironmentVariables.Provider} must name a registered provider ({string.Join(", ", catalog.Names)}), got '{provider}'.");
        }

        options.Provider = provider;

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
                errors.Add($"{EnvironmentVariables.BaseUrl} must be an absolute http:// or https:// URL without query, got '{UrlCredentials.Redact(baseUrl)}'.");
            }
        }

        var model = reader.Text(EnvironmentVariables.Model);
        if (model is not null)
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                errors.Add($"{EnvironmentVariables.Model} must not be empty.");
            }
            else
            {
                options.Model = model.Trim();
            }
        }

        var systemPrompt = reader.Text(EnvironmentVariables.SystemPrompt);
        if (systemPrompt is { Length: > MaxSystemPromptLength })
        {
            errors.Add($"{EnvironmentVariables.SystemPrompt} must be at most {MaxSystemPromptLength} characters, got {systemPrompt.Length}.");
        }

        options.SystemPrompt = string.IsNullOrEmpty(systemPrompt) ? null : systemPrompt;

        options.Temperature = reader.Number(EnvironmentVariables.Temperature, options.Temperature, 0.0, 2.0, "between 0.0 and 2.0");
        options.MaxTokens = reader.OptionalInteger(EnvironmentVariables.MaxTokens, 1, 100_000);
        options.RequestTimeout = TimeSpan.FromSeconds(reader.Number(
            EnvironmentVariables.RequestTimeout, options.RequestTimeout.TotalSeconds, double.Epsilon, 300, "greater than 0 and at most 300 seconds"));
        options.MaxAttempts = reader.OptionalInteger(EnvironmentVariables.MaxAttempts, 1, 10) ?? options.MaxAttempts;
        options.RetryBaseDelay = TimeSpan.FromSeconds(reader.Number(
            EnvironmentVariables.RetryBaseDelay, options.RetryBaseDelay.TotalSeconds, 0, 300, "between 0 and 300 seconds"));
        options.RetryMaxDelay = TimeSpan.FromSeconds(reader.Number(
            EnvironmentVariables.RetryMaxDelay, options.RetryMaxDelay.TotalSeconds, 0, 300, "between 0 and 300 seconds"));
        options.MaxResponseBytes = 1024L * (reader.OptionalInteger(EnvironmentVariables.MaxResponseKilobytes, 1, MaxResponseKilobytes)
            ?? LlmOptions.DefaultMaxResponseKilobytes);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add($"{EnvironmentVariables.RetryMaxDelay} must not be less than {EnvironmentVariables.RetryBaseDelay}.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(LlmOptions), errors);
        }
    }

    private sealed class Reader(IConfiguration configuration, List<string> errors)
    {
        public string? Text(string name) => configuration[name];

        public double Number(string name, double fallback, double min, double max, string rule)
        {
            var raw = configuration[name];
            if (string.IsNullOrWhiteSpace(raw))
            {
                return fallback;
            }

            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value) && value >= min && value <= max)
            {
                return value;
            }

            errors.Add($"{name} must be a number {rule}, got '{raw}'.");
            return fallback;
        }

        public int? OptionalInteger(string name, int min, int max)
        {
            var raw = configuration[name];
            if (string.IsNullOrWhiteSpace(raw))
            {
                return null;
            }

            if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            errors.Add($"{name} must be a whole number from {min} to {max}, got '{raw}'.");
            return null;
        }
    }
}
