using Chatbot.Application.Abstractions;
using Chatbot.Domain.Chat;

namespace Chatbot.Infrastructure.Providers.Echo;

/// <summary>
/// The offline provider: answers <c>Echo: &lt;question&gt;</c>, so that a fresh checkout runs with no key
/// and no network. Also the worked example of docs/providers.md.
/// </summary>
public sealed class EchoChatProvider : IChatCompletionProvider
{
    public const string Name = "echo";

    public ValueTask<ChatCompletion> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var question = request.Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var answer = "Echo: " + question;
        var usage = new TokenUsage(CountWords(request.Messages), CountWords(answer));
        return ValueTask.FromResult(ChatCompletion.OfText(answer, request.Model, usage));
    }

    /// <summary>The same answer, a word at a time (each piece keeps the space after it), then its finish and usage.</summary>
    public async IAsyncEnumerable<ChatCompletionUpdate> StreamAsync(
        ChatCompletionRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var completion = await CompleteAsync(request, cancellationToken);
        var answer = completion.Text!;
        var start = 0;
        while (start < answer.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var space = answer.IndexOf(' ', start);
            var end = space < 0 ? answer.Length : space + 1;
            var piece = new ChatChoiceUpdate(0) { Role = start == 0 ? ChatRole.Assistant : null, Content = answer[start..end] };
            yield return new ChatCompletionUpdate([piece]) { Model = request.Model };
            start = end;
        }

        yield return new ChatCompletionUpdate([new ChatChoiceUpdate(0) { FinishReason = ChatCompletion.Stop }]) { Model = request.Model };
        if (request.IncludeUsage)
        {
            yield return new ChatCompletionUpdate([]) { Model = request.Model, Usage = completion.Usage };
        }
    }

    // A stand-in for a tokenizer, so that usage figures move with the text.
    private static int CountWords(IEnumerable<ChatMessage> messages) => messages.Sum(m => CountWords(m.Text ?? string.Empty));

    private static int CountWords(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
