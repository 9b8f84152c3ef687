using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Chatbot.Application.Options;

namespace Chatbot.Application.Questions.Caching;

/// <summary>
/// The cache key of a question: a SHA-256 over everything that shapes its answer (the route, its provider and base URL,
/// model, system prompt, temperature, max tokens, text), so two instances share an answer only when they would
/// ask for the same one, and the store never holds the question itself.
/// </summary>
public static class AnswerCacheKey
{
    /// <summary>Bump when the key's material or the cached value's format changes.</summary>
    public const string Prefix = "chatbot:answer:v2:";

    /// <param name="route">The route asked (its name and its settings).</param>
    /// <param name="text">The question.</param>
    public static string For(ChatRoute route, string text)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(text);
        var options = route.Llm;

        // A JSON array keeps the fields apart: no text can pass for another field's value.
        var material = JsonSerializer.SerializeToUtf8Bytes(new[]
        {
            route.Model,
            options.Provider,
            options.BaseUrl.AbsoluteUri,
            options.Model,
            options.SystemPrompt,
            options.Temperature.ToString("R", CultureInfo.InvariantCulture),
            options.MaxTokens?.ToString(CultureInfo.InvariantCulture),
            text,
        });
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(material));
    }
}
