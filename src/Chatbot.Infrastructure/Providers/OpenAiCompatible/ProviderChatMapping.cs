using Betalgo.Ranul.OpenAI.Contracts.Enums;
using Betalgo.Ranul.OpenAI.Contracts.Enums.Image;
using Betalgo.Ranul.OpenAI.ObjectModels.RequestModels;
using Betalgo.Ranul.OpenAI.ObjectModels.ResponseModels;
using Betalgo.Ranul.OpenAI.ObjectModels.SharedModels;
using Chatbot.Domain.Chat;
using ChatMessage = Chatbot.Domain.Chat.ChatMessage;
using DomainToolCall = Chatbot.Domain.Chat.ToolCall;
using DomainToolChoice = Chatbot.Domain.Chat.ToolChoice;
using ResponseFormat = Chatbot.Domain.Chat.ResponseFormat;
using SdkToolCall = Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ToolCall;
using SdkToolChoice = Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ToolChoice;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>The domain's chat model onto Betalgo's models and back, for plain and streamed calls. Every field goes through as it is.</summary>
internal static class ProviderChatMapping
{
    public static ProviderChatRequest ToSdk(ChatCompletionRequest request)
    {
        var messages = new List<ProviderChatMessage>(request.Messages.Count);
        foreach (var message in request.Messages)
        {
            messages.Add(ToSdk(message));
        }

        var sdk = new ProviderChatRequest
        {
            Model = request.Model,
            Messages = messages,
            Temperature = (float?)request.Temperature,
            TopP = (float?)request.TopP,
            N = request.N,
            Seed = request.Seed,
            PresencePenalty = (float?)request.PresencePenalty,
            FrequencyPenalty = (float?)request.FrequencyPenalty,
            LogitBias = request.LogitBias is null ? null : new Dictionary<string, int>(request.LogitBias),
            LogProbs = request.Logprobs,
            TopLogprobs = request.TopLogprobs,
            ReasoningEffort = request.ReasoningEffort,
            ServiceTier = request.ServiceTier,
            Store = request.Store,
            Metadata = request.Metadata,
            MaxTokens = request.MaxTokens,
            MaxCompletionTokens = request.MaxCompletionTokens,
            ParallelToolCalls = request.ParallelToolCalls,
            ToolChoice = ToSdk(request.ToolChoice),
            ResponseFormat = request.ResponseFormat is { } format
                ? new ProviderResponseFormat(format.Type, format.Type == ResponseFormat.JsonSchema
                    ? new ProviderJsonSchema(format.SchemaName, format.SchemaDescription, format.Schema, format.Strict)
                    : null)
                : null,
        };
        if (request.User is not null)
        {
            sdk.User = request.User;
        }

        if (request.Stop is { Count: > 0 } stop)
        {
            sdk.StopAsList = [.. stop];
        }

        if (request.Tools is { Count: > 0 } tools)
        {
            sdk.Tools = [.. tools.Select(t => new ToolDefinition
            {
                Type = ToolCallType.Function,
                FunctionsAsObject = new ProviderFunction(t.Name, t.Description, t.Parameters, t.Strict),
            })];
        }

        return sdk;
    }

    private static ProviderChatMessage ToSdk(ChatMessage message)
    {
        var sdk = new ProviderChatMessage
        {
            Role = new ChatCompletionRole(message.Role.Value),
            Name = message.Name,
            ToolCallId = message.ToolCallId,
            Refusal = message.Refusal,
        };
        if (message.Parts is { } parts)
        {
            sdk.Contents = [.. parts.Select(ToSdk)];
        }
        else
        {
            sdk.Content = message.Content;
        }

        if (message.ToolCalls is { Count: > 0 } calls)
        {
            sdk.ToolCalls = [.. calls.Select(c => new SdkToolCall
            {
                Id = c.Id,
                Type = new ToolCallType(c.Type),
                FunctionCall = new FunctionCall { Name = c.Name, Arguments = c.Arguments },
            })];
        }

        return sdk;
    }

    private static MessageContent ToSdk(ChatContentPart part) => part switch
    {
        TextPart text => MessageContent.TextContent(text.Text),
        ImagePart image => new MessageContent
        {
            Type = "image_url",
            ImageUrl = new MessageImageUrl { Url = image.Url, Detail = image.Detail is null ? (ImageDetailType?)null : new ImageDetailType(image.Detail) },
        },
        FilePart file => new MessageContent
        {
            Type = "file",
            File = new MessageContent.MessageFile { FileId = file.FileId!, FileData = file.FileData!, Filename = file.Filename! },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(part), part.GetType().Name, "A content part this adapter does not know."),
    };

    private static SdkToolChoice? ToSdk(DomainToolChoice? choice) => choice?.Mode switch
    {
        null => null,
        DomainToolChoice.Function => SdkToolChoice.FunctionChoice(choice.FunctionName!),
        var mode => new SdkToolChoice { Type = new ToolChoiceType(mode) },
    };

    public static ChatCompletion ToDomain(ChatCompletionCreateResponse response, string requestedModel)
    {
        var choices = new List<ChatChoice>(response.Choices.Count);
        foreach (var choice in response.Choices)
        {
            var message = choice.Message;
            choices.Add(new ChatChoice(choice.Index ?? choices.Count, ToDomain(message, refusal: null), NullIfEmpty(choice.FinishReason))
            {
                Logprobs = ToDomain(choice.LogProbs, refusal: null),
            });
        }

        return Completion(response, choices, requestedModel);
    }

    public static ChatCompletion ToDomain(ProviderChatChunk response, string requestedModel)
    {
        var choices = new List<ChatChoice>();
        foreach (var choice in response.Choices ?? [])
        {
            var message = choice.Message ?? choice.Delta;
            choices.Add(new ChatChoice(choice.Index ?? choices.Count, ToDomain(message, message?.Refusal), NullIfEmpty(choice.FinishReason))
            {
                Logprobs = ToDomain(choice.LogProbs, choice.LogProbs?.Refusal),
            });
        }

        return Completion(response, choices, requestedModel);
    }

    // What a completion says beside its choices; the chunk subclass shares it with the SDK's response.
    private static ChatCompletion Completion(ChatCompletionCreateResponse response, List<ChatChoice> choices, string requestedModel) =>
        new(choices, NullIfEmpty(response.Model) ?? requestedModel, ToDomain(response.Usage))
        {
            Id = NullIfEmpty(response.Id),
            Created = response.CreatedAtUnix == 0 ? null : response.CreatedAtUnix,
            SystemFingerprint = NullIfEmpty(response.SystemFingerPrint),
            ServiceTier = response.ServiceTier,
        };

    public static ChatCompletionUpdate ToUpdate(ProviderChatChunk chunk)
    {
        var choices = new List<ChatChoiceUpdate>(chunk.Choices?.Count ?? 0);
        foreach (var choice in chunk.Choices ?? [])
        {
            var delta = choice.Delta ?? choice.Message;
            choices.Add(new ChatChoiceUpdate(choice.Index ?? choices.Count)
            {
                Role = delta?.Role is { } role ? new ChatRole(role.Value) : null,
                Content = delta?.Content,
                Refusal = delta?.Refusal,
                ToolCalls = delta?.ToolCalls is { Count: > 0 } calls
                    ? [.. calls.Select((c, i) => new ToolCallUpdate(c.Index == 0 && calls.Count > 1 ? i : c.Index)
                    {
                        Id = c.Id,
                        Type = c.Type?.Value,
                        Name = c.FunctionCall?.Name,
                        Arguments = c.FunctionCall?.Arguments,
                    })]
                    : null,
                FinishReason = NullIfEmpty(choice.FinishReason),
                Logprobs = ToDomain(choice.LogProbs, choice.LogProbs?.Refusal),
            });
        }

        return new ChatCompletionUpdate(choices)
        {
            Id = NullIfEmpty(chunk.Id),
            Model = NullIfEmpty(chunk.Model),
            Created = chunk.CreatedAtUnix == 0 ? null : chunk.CreatedAtUnix,
            SystemFingerprint = NullIfEmpty(chunk.SystemFingerPrint),
            ServiceTier = chunk.ServiceTier,
            Usage = ToDomain(chunk.Usage),
        };
    }

    private static ChatMessage ToDomain(Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ChatMessage? message, string? refusal) =>
        new(ChatRole.Assistant, message?.Content)
        {
            Refusal = refusal,
            ToolCalls = message?.ToolCalls is { Count: > 0 } calls
                ? [.. calls.Select(c => new DomainToolCall(c.Id ?? string.Empty, c.FunctionCall?.Name ?? string.Empty, c.FunctionCall?.Arguments ?? string.Empty)
                {
                    Type = c.Type?.Value ?? DomainToolCall.FunctionType,
                })]
                : null,
        };

    private static ChatLogprobs? ToDomain(ChatChoiceResponse.ChatLogProbsResponse? logprobs, List<ChatChoiceResponse.ContentItem>? refusal) =>
        logprobs is null ? null : new ChatLogprobs(ToDomain(logprobs.Content)) { Refusal = ToDomain(refusal) };

    private static List<TokenLogprob>? ToDomain(List<ChatChoiceResponse.ContentItem>? items) =>
        items?.Select(i => new TokenLogprob(i.Token, i.LogProb, i.Bytes)
        {
            TopLogprobs = i.TopLogProbs?.Select(t => new TokenLogprob(t.Token, t.LogProb, t.Bytes)).ToList(),
        }).ToList();

    private static TokenUsage? ToDomain(UsageResponse? usage) => usage is null
        ? null
        : new TokenUsage(usage.PromptTokens, usage.CompletionTokens ?? 0)
        {
            TotalTokens = usage.TotalTokens == 0 ? usage.PromptTokens + (usage.CompletionTokens ?? 0) : usage.TotalTokens,
            CachedTokens = usage.PromptTokensDetails?.CachedTokens,
            ReasoningTokens = usage.CompletionTokensDetails?.ReasoningTokens,
        };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
