namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// <c>LLM_BASE_URL</c> split into its origin and its path (no leading or trailing slash), the shape SDKs such
/// as Betalgo.Ranul.OpenAI want (<c>BaseDomain + ApiVersion</c>; resolving the path relative to the origin
/// silently drops its last segment), and the URL a completion is posted to, whatever slashes the
/// variable has.
/// </summary>
public sealed record ProviderEndpoint(string BaseDomain, string ApiVersion)
{
    public static ProviderEndpoint From(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var domain = baseUrl.GetLeftPart(UriPartial.Authority) + "/";
        var path = baseUrl.AbsolutePath.Trim('/');
        return new ProviderEndpoint(domain, path);
    }

    /// <summary>Where a chat completion is posted: <c>{base}/chat/completions</c>.</summary>
    public Uri ChatCompletionsUri =>
        new(BaseDomain + (ApiVersion.Length == 0 ? string.Empty : ApiVersion + "/") + "chat/completions");
}
