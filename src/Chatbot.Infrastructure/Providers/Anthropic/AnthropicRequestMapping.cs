using System.Globalization;
using System.Text.Json;
using Anthropic.Models.Messages;
using Chatbot.Application.Abstractions;
using Chatbot.Domain.Chat;
using DomainToolChoice = Chatbot.Domain.Chat.ToolChoice;
using SdkToolChoice = Anthropic.Models.Messages.ToolChoice;

namespace Chatbot.Infrastructure.Providers.Anthropic;

/// <summary>
/// The Domain's chat request as Anthropic's Messages API takes it, in the SDK's request model: instructions become the
/// top-level <c>system</c>, tool calls and tool results become <c>tool_use</c> and <c>tool_result</c> blocks, images
/// image blocks. <see cref="Unsupported"/> names the first field that has no place there; <see cref="ToSdk"/> is only
/// given requests it found nothing in.
/// </summary>
public static class AnthropicRequestMapping
{
    /// <summary>Anthropic requires <c>max_tokens</c>: sent when neither the client nor <c>LLM_MAX_TOKENS</c> set one.</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>The image types Anthropic's image blocks take.</summary>
    private static readonly Dictionary<string, MediaType> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpeg"] = MediaType.ImageJpeg,
        ["image/png"] = MediaType.ImagePng,
        ["image/gif"] = MediaType.ImageGif,
        ["image/webp"] = MediaType.ImageWebP,
    };

    /// <summary>The first field of <paramref name="request"/> Anthropic has no place for; null when it can take it all.</summary>
    public static UnsupportedRequestField? Unsupported(ChatCompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request switch
        {
            { N: > 1 } => new("n", "Anthropic's Messages API answers with one choice per request: n must be 1."),
            { Logprobs: true } => new("logprobs", "Anthropic's Messages API does not return log probabilities."),
            { TopLogprobs: not null } => new("top_logprobs", "Anthropic's Messages API does not return log probabilities."),
            { PresencePenalty: not null and not 0 } => new("presence_penalty", "Anthropic's Messages API has no presence penalty."),
            { FrequencyPenalty: not null and not 0 } => new("frequency_penalty", "Anthropic's Messages API has no frequency penalty."),
            { LogitBias.Count: > 0 } => new("logit_bias", "Anthropic's Messages API has no logit bias."),
            { Seed: not null } => new("seed", "Anthropic's Messages API has no seed: its answers cannot be made repeatable."),
            { ReasoningEffort: not null } => new("reasoning_effort", "This service does not map reasoning_effort onto Anthropic's extended thinking."),
            { Store: true } => new("store", "Anthropic's Messages API does not store completions."),
            { Metadata.Count: > 0 } => new("metadata", "Anthropic's metadata takes only the end user (send it as user)."),
            { ServiceTier: not null and not "auto" and not "default" } =>
                new("service_tier", "Anthropic's service tiers are auto and standard (OpenAI's auto and default)."),
            _ => UnsupportedFormat(request.ResponseFormat) ?? UnsupportedTools(request.Tools) ?? UnsupportedMessages(request.Messages),
        };
    }

    /// <summary>The SDK's request for a request <see cref="Unsupported"/> found nothing in.</summary>
    public static MessageCreateParams ToSdk(ChatCompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var system = request.Messages.Where(m => m.Role.IsInstruction).Select(m => new TextBlockParam { Text = m.Text ?? string.Empty }).ToList();
        var typed = new MessageCreateParams
        {
            Model = request.Model,
            MaxTokens = request.MaxTokens ?? request.MaxCompletionTokens ?? DefaultMaxTokens,
            Messages = Conversation(request.Messages),
            System = system.Count > 0 ? (MessageCreateParamsSystem)system : null,
            StopSequences = request.Stop is { Count: > 0 } stop ? stop : null,
            Tools = request.Tools is { Count: > 0 } tools ? [.. tools.Select(ToTool)] : null,
            ToolChoice = ToToolChoice(request.ToolChoice, request.ParallelToolCalls, request.Tools is { Count: > 0 }),
            Metadata = request.User is { } user ? new Metadata { UserID = user } : null,
            ServiceTier = request.ServiceTier switch
            {
                "auto" => ServiceTier.Auto,
                "default" => ServiceTier.StandardOnly,
                _ => null,
            },
            OutputConfig = request.ResponseFormat is { Type: ResponseFormat.JsonSchema, Schema: { } schema }
                ? new OutputConfig { Format = new JsonOutputFormat { Schema = Properties(schema) } }
                : null,
        };

        // The SDK's request model (13.x) has no temperature or top_p; the Messages API takes both: set in its raw body.
        if (request.Temperature is null && request.TopP is null)
        {
            return typed;
        }

        var body = typed.RawBodyData.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (request.Temperature is { } temperature)
        {
            body["temperature"] = JsonSerializer.SerializeToElement(temperature);
        }

        if (request.TopP is { } topP)
        {
            body["top_p"] = JsonSerializer.SerializeToElement(topP);
        }

        return MessageCreateParams.FromRawUnchecked(typed.RawHeaderData, typed.RawQueryData, body);
    }

    private static UnsupportedRequestField? UnsupportedFormat(ResponseFormat? format) => format switch
    {
        null or { Type: ResponseFormat.Text } => null,
        { Type: ResponseFormat.JsonSchema, SchemaDescription: not null } =>
            new("response_format.json_schema.description", "Anthropic's structured outputs take a schema without a description."),
        { Type: ResponseFormat.JsonSchema, Schema.ValueKind: JsonValueKind.Object } => null,
        { Type: ResponseFormat.JsonSchema } => new("response_format.json_schema.schema", "Anthropic's structured outputs need a JSON schema object."),
        _ => new("response_format", $"Anthropic's Messages API has no '{format.Type}' format without a schema: use json_schema."),
    };

    private static UnsupportedRequestField? UnsupportedTools(IReadOnlyList<ChatTool>? tools)
    {
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            if (tools![i].Parameters is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null and not JsonValueKind.Undefined })
            {
                return new($"tools[{Index(i)}].function.parameters", "Anthropic's tools take a JSON schema object as their input schema.");
            }
        }

        return null;
    }

    private static UnsupportedRequestField? UnsupportedMessages(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var at = $"messages[{Index(i)}]";
            if (message.Name is not null)
            {
                return new(at + ".name", "Anthropic's messages have no author name.");
            }

            if (message.Role.IsInstruction && message.Parts?.Any(p => p is not TextPart) == true)
            {
                return new(at + ".content", "Anthropic's system prompt takes text only.");
            }

            for (var j = 0; j < (message.Parts?.Count ?? 0); j++)
            {
                if (UnsupportedPart(message.Parts![j], $"{at}.content[{Index(j)}]") is { } part)
                {
                    return part;
                }
            }

            for (var j = 0; j < (message.ToolCalls?.Count ?? 0); j++)
            {
                if (!IsJsonObjectOrEmpty(message.ToolCalls![j].Arguments))
                {
                    return new($"{at}.tool_calls[{Index(j)}].function.arguments", "Anthropic takes a tool call's arguments as a JSON object.");
                }
            }
        }

        return null;
    }

    private static UnsupportedRequestField? UnsupportedPart(ChatContentPart part, string at) => part switch
    {
        TextPart => null,
        ImagePart { Detail: not null and not "auto" } => new(at + ".image_url.detail", "Anthropic's image blocks have no detail level."),
        ImagePart image when IsWebUrl(image.Url) => null,
        ImagePart image when DataUrl.Parse(image.Url) is { } data && ImageTypes.ContainsKey(data.MediaType) => null,
        ImagePart => new(at + ".image_url.url", "Anthropic takes images by http(s) URL or as base64 data URLs of JPEG, PNG, GIF or WebP."),
        FilePart { FileData: { } file } when DataUrl.Parse(file) is { MediaType: "application/pdf" } => null,
        FilePart => new(at + ".file", "Anthropic takes files here only as base64 data URLs of PDF documents."),
        _ => new(at, "Anthropic's Messages API has no block for this content part."),
    };

    // Anthropic wants alternating turns; tool results are user content. Consecutive messages of one side are one turn.
    private static List<MessageParam> Conversation(IReadOnlyList<ChatMessage> messages)
    {
        var turns = new List<MessageParam>();
        List<ContentBlockParam>? blocks = null;
        var assistant = false;
        foreach (var message in messages.Where(m => !m.Role.IsInstruction))
        {
            var isAssistant = message.Role == ChatRole.Assistant;
            if (blocks is null || isAssistant != assistant)
            {
                Close();
                blocks = [];
                assistant = isAssistant;
            }

            blocks.AddRange(Blocks(message));
        }

        Close();
        return turns;

        void Close()
        {
            if (blocks is not null)
            {
                turns.Add(assistant ? new AssistantMessageParam { Content = blocks } : new UserMessageParam { Content = blocks });
            }
        }
    }

    private static IEnumerable<ContentBlockParam> Blocks(ChatMessage message)
    {
        if (message.Role == ChatRole.Tool)
        {
            yield return new ToolResultBlockParam
            {
                ToolUseID = message.ToolCallId ?? string.Empty,
                Content = message.Parts is { } parts
                    ? new List<Block>([.. parts.OfType<TextPart>().Select(p => new Block(new TextBlockParam { Text = p.Text }))])
                    : message.Content ?? string.Empty,
            };
            yield break;
        }

        if (message.Content is { Length: > 0 } text)
        {
            yield return new TextBlockParam { Text = text };
        }

        foreach (var part in message.Parts ?? [])
        {
            yield return part switch
            {
                TextPart t => new TextBlockParam { Text = t.Text },
                ImagePart image => new ImageBlockParam { Source = ImageSource(image.Url) },
                FilePart file => new DocumentBlockParam { Source = new Base64PdfSource { Data = DataUrl.Parse(file.FileData!)!.Data } },
                _ => throw new ArgumentException("A part Unsupported refuses.", nameof(message)),
            };
        }

        // An earlier refusal is what the assistant said.
        if (message.Refusal is { Length: > 0 } refusal)
        {
            yield return new TextBlockParam { Text = refusal };
        }

        foreach (var call in message.ToolCalls ?? [])
        {
            yield return new ToolUseBlockParam { ID = call.Id, Name = call.Name, Input = Arguments(call.Arguments) };
        }
    }

    private static ImageBlockParamSource ImageSource(string url) => IsWebUrl(url)
        ? new UrlImageSource { Url = url }
        : DataUrl.Parse(url) is { } data
            ? new Base64ImageSource { Data = data.Data, MediaType = ImageTypes[data.MediaType] }
            : throw new ArgumentException("An image Unsupported refuses.", nameof(url));

    private static ToolUnion ToTool(ChatTool tool)
    {
        var schema = tool.Parameters is { ValueKind: JsonValueKind.Object } parameters ? Properties(parameters) : [];

        // OpenAI takes a function without parameters; Anthropic wants an object schema: the same thing, said.
        schema.TryAdd("type", JsonSerializer.SerializeToElement("object"));
        return new Tool
        {
            Name = tool.Name,
            Description = tool.Description,
            InputSchema = InputSchema.FromRawUnchecked(schema),
            Strict = tool.Strict,
        };
    }

    private static SdkToolChoice? ToToolChoice(DomainToolChoice? choice, bool? parallelToolCalls, bool hasTools)
    {
        bool? disableParallel = parallelToolCalls == false ? true : null;
        return choice?.Mode switch
        {
            DomainToolChoice.None => new ToolChoiceNone(),
            DomainToolChoice.Required => new ToolChoiceAny { DisableParallelToolUse = disableParallel },
            DomainToolChoice.Function => new ToolChoiceTool { Name = choice.FunctionName ?? string.Empty, DisableParallelToolUse = disableParallel },
            DomainToolChoice.Auto => new ToolChoiceAuto { DisableParallelToolUse = disableParallel },
            // parallel_tool_calls alone is Anthropic's auto choice with parallel use turned off.
            _ => disableParallel is true && hasTools ? (SdkToolChoice)new ToolChoiceAuto { DisableParallelToolUse = true } : null,
        };
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement json) =>
        json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    private static Dictionary<string, JsonElement> Arguments(string arguments) =>
        string.IsNullOrWhiteSpace(arguments) ? [] : Properties(JsonDocument.Parse(arguments).RootElement);

    private static bool IsJsonObjectOrEmpty(string arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsWebUrl(string url) =>
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>A <c>data:</c> URL in base64: its media type and its data.</summary>
    private sealed record DataUrl(string MediaType, string Data)
    {
        public static DataUrl? Parse(string url)
        {
            if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var comma = url.IndexOf(',', StringComparison.Ordinal);
            const string Base64 = ";base64";
            if (comma < 0 || !url.AsSpan(0, comma).EndsWith(Base64, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return new DataUrl(url[5..(comma - Base64.Length)].ToLowerInvariant(), url[(comma + 1)..]);
        }
    }
}
