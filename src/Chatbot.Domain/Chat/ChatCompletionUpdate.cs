namespace Chatbot.Domain.Chat;

/// <summary>
/// One piece of a streamed answer, as the provider sent it: deltas of any choices, and at the end (when asked for)
/// the usage. Joined in order, the pieces make the <see cref="ChatCompletion"/> of a plain call.
/// </summary>
public sealed record ChatCompletionUpdate(IReadOnlyList<ChatChoiceUpdate> Choices)
{
    public string? Id { get; init; }

    public string? Model { get; init; }

    public long? Created { get; init; }

    public string? SystemFingerprint { get; init; }

    public string? ServiceTier { get; init; }

    /// <summary>The route (the model name clients use) that serves the stream; set by the service, not by the provider.</summary>
    public string? Route { get; init; }

    /// <summary>Set on the last piece when usage was asked for.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>The text this piece adds to the first choice.</summary>
    public string? Text => Choices.Count > 0 && Choices[0].Index == 0 ? Choices[0].Content : null;

    public static ChatCompletionUpdate OfText(string text) => new([new ChatChoiceUpdate(0) { Content = text }]);
}

/// <summary>What one piece adds to one choice.</summary>
public sealed record ChatChoiceUpdate(int Index)
{
    public ChatRole? Role { get; init; }

    public string? Content { get; init; }

    public string? Refusal { get; init; }

    public IReadOnlyList<ToolCallUpdate>? ToolCalls { get; init; }

    public string? FinishReason { get; init; }

    public ChatLogprobs? Logprobs { get; init; }
}

/// <summary>
/// A piece of a tool call: the first piece of a call brings its id, type and name; the rest bring pieces of its
/// arguments. <paramref name="Index"/> tells the calls of one message apart.
/// </summary>
public sealed record ToolCallUpdate(int Index)
{
    public string? Id { get; init; }

    public string? Type { get; init; }

    public string? Name { get; init; }

    public string? Arguments { get; init; }
}

/// <summary>A completion told as a stream: for a provider that cannot stream.</summary>
public static class ChatCompletionUpdates
{
    public static IEnumerable<ChatCompletionUpdate> Of(ChatCompletion completion, bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var choices = completion.Choices.Select(c => new ChatChoiceUpdate(c.Index)
        {
            Role = c.Message.Role,
            Content = c.Message.Text,
            Refusal = c.Message.Refusal,
            ToolCalls = c.Message.ToolCalls?.Select((t, i) => new ToolCallUpdate(i) { Id = t.Id, Type = t.Type, Name = t.Name, Arguments = t.Arguments }).ToList(),
            FinishReason = c.FinishReason,
            Logprobs = c.Logprobs,
        }).ToList();
        yield return new ChatCompletionUpdate(choices)
        {
            Id = completion.Id,
            Model = completion.Model,
            Created = completion.Created,
            SystemFingerprint = completion.SystemFingerprint,
            ServiceTier = completion.ServiceTier,
        };
        if (includeUsage && completion.Usage is not null)
        {
            yield return new ChatCompletionUpdate([]) { Id = completion.Id, Model = completion.Model, Usage = completion.Usage };
        }
    }
}
