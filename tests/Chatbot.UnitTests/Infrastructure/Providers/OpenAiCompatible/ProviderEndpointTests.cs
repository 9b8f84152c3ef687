using Chatbot.Infrastructure.Providers.OpenAiCompatible;

namespace Chatbot.UnitTests.Infrastructure.Providers.OpenAiCompatible;

public sealed class ProviderEndpointTests
{
    public static IEnumerable<TestCaseData> BaseUrls()
    {
        (string Url, string Domain, string Version)[] cases =
        [
            ("https://api.openai.com/v1", "https://api.openai.com/", "v1"),
            ("http://localhost:11434/v1", "http://localhost:11434/", "v1"),
            ("https://api.mistral.ai/v1", "https://api.mistral.ai/", "v1"),
            ("https://api.groq.com/openai/v1", "https://api.groq.com/", "openai/v1"),
            ("https://generativelanguage.googleapis.com/v1beta/openai", "https://generativelanguage.googleapis.com/", "v1beta/openai"),
            ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/", "v1"),
            ("http://host:9000", "http://host:9000/", ""),
        ];
        foreach (var (url, domain, version) in cases)
        {
            var expected = url.TrimEnd('/') + "/chat/completions";
            yield return new TestCaseData(url, domain, version, expected).SetArgDisplayNames(url);
            yield return new TestCaseData(url + "/", domain, version, expected).SetArgDisplayNames(url + "/");
        }
    }

    [TestCaseSource(nameof(BaseUrls))]
    public void Splits_the_base_url_into_domain_and_whole_path(string baseUrl, string domain, string version, string _)
    {
        var endpoint = ProviderEndpoint.From(new Uri(baseUrl));

        endpoint.BaseDomain.Should().Be(domain);
        endpoint.ApiVersion.Should().Be(version);
    }

    [TestCaseSource(nameof(BaseUrls))]
    public void Chat_completions_are_posted_to_the_base_url_plus_chat_completions(
        string baseUrl, string _, string __, string expected)
    {
        ProviderEndpoint.From(new Uri(baseUrl)).ChatCompletionsUri.AbsoluteUri.Should().Be(expected);
    }

    [Test]
    public void Rejects_a_missing_url()
    {
        var act = () => ProviderEndpoint.From(null!);

        act.Should().Throw<ArgumentNullException>();
    }
}
