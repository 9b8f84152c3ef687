using System.Text.Json;
using Betalgo.Ranul.OpenAI;
using Betalgo.Ranul.OpenAI.Managers;
using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Chatbot.Domain.Chat;
using Chatbot.Domain.Providers;
using Microsoft.Extensions.Options;
using ChatCompletionCreateRequest = Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ChatCompletionCreateRequest;
using ChatCompletionRequest = Chatbot.Domain.Chat.ChatCompletionRequest;
using ChatMessage = Chatbot.Domain.Chat.ChatMessage;
using SdkChatMessage = Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ChatMessage;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Adapter for every provider that speaks <c>POST {base}/chat/completions</c> (OpenAI, Ollama, Mistral,
/// Groq, LocalAI, Gemini's OpenAI endpoint, ...), through Betalgo.Ranul.OpenAI.
/// </summary>
/// <remarks>
/// One instance for the process: the SDK service and its endpoint tables are built once, over one
/// HttpClient that nobody else uses (the SDK writes its Authorization header into the client).
/// </remarks>
public sealed class OpenAiCompatibleProvider : IChatCompletionProvider, IDisposable
{
    public const string Name = "openai";
    public const string HttpClientName = "llm-provider";

    private readonly OpenAIService _service;

    public OpenAiCompatibleProvider(IHttpClientFactory httpClientFactory, IOptions<LlmOptions> options)
    {
        var o = options.Value;
        Endpoint = ProviderEndpoint.From(o.BaseUrl);
        _service = new OpenAIService(
            new OpenAIOptions
            {
                ApiKey = o.ApiKey ?? string.Empty,
                BaseDomain = Endpoint.BaseDomain,
                ApiVersion = Endpoint.ApiVersion,
                ValidateApiOptions = false,
            },
            httpClientFactory.CreateClient(HttpClientName));
    }

    public ProviderEndpoint Endpoint { get; }

    public async ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var sdkRequest = new ChatCompletionCreateRequest
        {
            Model = request.Model,
            Messages = request.Messages.Select(ToSdkMessage).ToList(),
            Temperature = (float)request.Temperature,
            MaxTokens = request.MaxTokens,
        };

        Betalgo.Ranul.OpenAI.ObjectModels.ResponseModels.ChatCompletionCreateResponse response;
        try
        {
            response = await _service.ChatCompletion.CreateCompletion(sdkRequest, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new ProviderInvalidResponseException("The provider's answer is not the JSON of a chat completion.", ex);
        }
        catch (InvalidOperationException ex)
        {
            // The SDK throws this when the body is the JSON literal null.
            throw new ProviderInvalidResponseException("The provider's answer is empty.", ex);
        }

        if (!response.Successful)
        {
            throw new ProviderInvalidResponseException("The provider answered with an error object instead of a completion.");
        }

        var text = response.Choices is { Count: > 0 } choices ? choices[0].Message?.Content : null;
        if (string.IsNullOrEmpty(text))
        {
            throw new ProviderInvalidResponseException(response.Choices is { Count: > 0 }
                ? "The provider's first choice has no content."
                : "The provider's answer has no choices.");
        }

        var usage = response.Usage is { } u ? new TokenUsage(u.PromptTokens, u.CompletionTokens ?? 0) : null;
        return new ChatCompletion(text, response.Model ?? request.Model, usage);
    }

    public void Dispose() => _service.Dispose();

    private static SdkChatMessage ToSdkMessage(ChatMessage message) => message.Role switch
    {
        ChatRole.System => SdkChatMessage.FromSystem(message.Content),
        ChatRole.Assistant => SdkChatMessage.FromAssistant(message.Content),
        _ => SdkChatMessage.FromUser(message.Content),
    };
}
