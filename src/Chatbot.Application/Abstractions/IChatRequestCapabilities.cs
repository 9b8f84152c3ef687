using Chatbot.Domain.Chat;

namespace Chatbot.Application.Abstractions;

/// <summary>
/// What a provider adapter can take. An adapter whose provider has no place for some request fields implements it, so
/// that a field is refused by name rather than dropped, and so that whoever picks among providers (a route, a fallback)
/// can skip one that cannot take a request before asking it.
/// </summary>
public interface IChatRequestCapabilities
{
    /// <summary>The first field of <paramref name="request"/> this provider cannot take, or null when it takes them all.</summary>
    UnsupportedRequestField? Unsupported(ChatCompletionRequest request);
}

/// <summary>A request field a provider cannot take.</summary>
/// <param name="Param">The field by its path on OpenAI's wire (<c>n</c>, <c>messages[2].name</c>, <c>response_format</c>).</param>
/// <param name="Reason">Why, in a sentence a client can read.</param>
public sealed record UnsupportedRequestField(string Param, string Reason);
