using System.Net;
using System.Text.Json;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>What the provider's error object says, as the HTTP status it would have answered on a plain call.</summary>
public static class ProviderErrorBody
{
    /// <summary>
    /// The status that <paramref name="json"/>, an event's data, stands for when it is an error object
    /// (<c>{"error": {...}}</c> with OpenAI's or Anthropic's <c>type</c>/<c>code</c>, or a numeric <c>code</c> or
    /// <c>status</c>); null when it is no error or an error of no known kind.
    /// </summary>
    public static HttpStatusCode? StatusOf(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
            {
                return null;
            }

            return StatusOf(error);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The fields of an OpenAI-style error object, or null when <paramref name="json"/> is none.</summary>
    public static ProviderError? Describe(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new ProviderError(Text(error, "message"), Text(error, "type"), Text(error, "param"), Text(error, "code"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A string as it is, a number as its digits; anything else is absent.
    private static string? Text(JsonElement error, string name) =>
        !error.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };

    public static HttpStatusCode? StatusOf(JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in (ReadOnlySpan<string>)["status", "code"])
        {
            if (error.TryGetProperty(name, out var number) && number.ValueKind == JsonValueKind.Number
                && number.TryGetInt32(out var code) && code is >= 400 and <= 599)
            {
                return (HttpStatusCode)code;
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["type", "code"])
        {
            if (error.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String
                && StatusOfKind(text.GetString()!) is { } status)
            {
                return status;
            }
        }

        return null;
    }

    private static HttpStatusCode? StatusOfKind(string kind) => kind.ToLowerInvariant() switch
    {
        var k when k.Contains("rate_limit", StringComparison.Ordinal) || k == "insufficient_quota" => HttpStatusCode.TooManyRequests,
        "authentication_error" or "invalid_api_key" or "unauthorized" => HttpStatusCode.Unauthorized,
        "permission_error" or "permission_denied" => HttpStatusCode.Forbidden,
        "overloaded_error" or "overloaded" => HttpStatusCode.ServiceUnavailable,
        "server_error" or "api_error" or "internal_error" or "internal_server_error" => HttpStatusCode.InternalServerError,
        "invalid_request_error" => HttpStatusCode.BadRequest,
        "not_found_error" or "model_not_found" => HttpStatusCode.NotFound,
        _ => null,
    };
}

/// <summary>What a provider's error object says.</summary>
public sealed record ProviderError(string? Message, string? Type, string? Param, string? Code);
