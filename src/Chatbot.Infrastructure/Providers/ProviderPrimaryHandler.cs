namespace Chatbot.Infrastructure.Providers;

/// <summary>
/// The innermost handler of every route's HttpClient, one per route: a <see cref="SocketsHttpHandler"/> unless a test
/// puts a scripted upstream in its place.
/// </summary>
public sealed class ProviderPrimaryHandler(Func<HttpMessageHandler> create)
{
    public static ProviderPrimaryHandler Sockets { get; } = new(() => new SocketsHttpHandler
    {
        // The client lives as long as the process, so connections are recycled here to follow DNS changes.
        // No AutomaticDecompression: completions are small and streamed; asking for gzip only adds a
        // decompression stream to every call.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    });

    public HttpMessageHandler Create() => create();
}
