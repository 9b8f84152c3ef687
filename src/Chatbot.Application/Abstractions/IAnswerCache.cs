namespace Chatbot.Application.Abstractions;

/// <summary>
/// Port to the answer cache: in process, or shared by every instance (Redis). An adapter never fails a question
/// because its store failed: it then answers as a miss and stores nothing.
/// </summary>
public interface IAnswerCache
{
    /// <summary>
    /// The answer cached under <paramref name="key"/>, or the one <paramref name="answer"/> produces, which is then
    /// cached. Concurrent callers with one key share one call of <paramref name="answer"/> in this process; it is
    /// cancelled only when every one of them is.
    /// </summary>
    ValueTask<CachedAnswer> GetOrAddAsync(string key, Func<CancellationToken, ValueTask<string>> answer, CancellationToken cancellationToken);

    /// <summary>The answer cached under <paramref name="key"/>, or null.</summary>
    ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken);

    ValueTask SetAsync(string key, string answer, CancellationToken cancellationToken);
}

/// <param name="Text">The answer.</param>
/// <param name="Hit">True when this caller did not have to ask the provider itself.</param>
public readonly record struct CachedAnswer(string Text, bool Hit);
