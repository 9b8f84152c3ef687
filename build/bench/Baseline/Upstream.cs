using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chatbot.Bench.Baseline;

/// <summary>The upstream call: a plain HttpClient and System.Text.Json (source-generated), nothing else.</summary>
internal static class Upstream
{
    // One client for the process over a static SocketsHttpHandler: pooled keep-alive connections.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static async Task<ChatCompletionResponse?> CompleteAsync(Uri upstream, string text, CancellationToken cancellationToken)
    {
        var body = new ChatCompletionRequest("gpt-4o-mini", [new ChatMessage("user", text)], 0.7);
        using var response = await Client.PostAsJsonAsync(upstream, body, BaselineJson.Default.ChatCompletionRequest, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(BaselineJson.Default.ChatCompletionResponse, cancellationToken);
    }
}

internal sealed record QuestionRequest(string? Text);

internal sealed record AnswerResponse(string Text);

internal sealed record HealthResponse(string Status);

internal sealed record ChatMessage(string Role, string? Content);

internal sealed record ChatCompletionRequest(string Model, ChatMessage[] Messages, double Temperature);

internal sealed record ChatChoice(ChatMessage? Message);

internal sealed record ChatCompletionResponse(ChatChoice[]? Choices);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(QuestionRequest))]
[JsonSerializable(typeof(AnswerResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
internal sealed partial class BaselineJson : JsonSerializerContext;
