namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// <c>LLM_BASE_URL</c> split the way Betalgo.Ranul.OpenAI needs it: it builds the URL as
/// <c>BaseDomain + ApiVersion + "/chat/completions"</c> resolved relative to BaseDomain, so the whole
/// path must go into ApiVersion or its last segment is silently dropped.
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
