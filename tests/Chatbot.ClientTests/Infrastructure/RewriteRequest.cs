namespace Chatbot.ClientTests.Infrastructure;

/// <summary>
/// Changes each request on its way out: how a test makes the generated client, which only ever sends well-formed
/// JSON, deliver a malformed body or a wrong content type to the real service.
/// </summary>
public sealed class RewriteRequest(Action<HttpRequestMessage> rewrite) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        rewrite(request);
        return base.SendAsync(request, cancellationToken);
    }
}
