using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Chatbot.Application.Options;

namespace Chatbot.Application.Questions.Caching;

/// <summary>
/// The cache key of a question: a SHA-256 over everything that shapes its answer (provider and its base URL,
/// model, system prompt, temperature, max tokens, text), so two instances share an answer only when they would
/// ask for the same one, and the store never holds the question itself.
/// </summary>
public static class AnswerCacheKey
{
    /// <summary>Bump when the key's material or the cached value's format changes.</summary>
    public const string Prefix = "chatbot:answer:v1:";

    public static string For(LlmOptions options, string text)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(text);

        // A JSON array keeps the fields apart: no text can pass for another field's value.
        var material = JsonSerializer.SerializeToUtf8Bytes(new[]
        {
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
