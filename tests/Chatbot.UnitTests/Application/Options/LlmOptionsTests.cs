using Chatbot.Application.Options;

namespace Chatbot.UnitTests.Application.Options;

public sealed class LlmOptionsTests
{
    [Test]
    public void MaskedApiKey_shows_only_the_last_four_characters()
    {
        var options = new LlmOptions { ApiKey = "sk-proj-SECRETSECRET-wxyz" };

        options.MaskedApiKey.Should().EndWith("wxyz").And.NotContain("SECRET").And.NotContain("sk-");
        options.MaskedApiKey.Replace("*", string.Empty, StringComparison.Ordinal).Should().Be("wxyz");
    }

    [TestCase("abcd")]
    [TestCase("abc")]
    public void MaskedApiKey_of_a_key_of_four_characters_or_less_reveals_nothing(string key) =>
        new LlmOptions { ApiKey = key }.MaskedApiKey.Should().NotContainAny(key.Select(c => c.ToString()));

    [TestCase(null)]
    [TestCase("")]
    public void MaskedApiKey_without_a_key_says_so(string? key) =>
        new LlmOptions { ApiKey = key }.MaskedApiKey.Should().Be("(none)");

    [Test]
    public void RedactedBaseUrl_shows_the_base_url_without_its_credentials()
    {
        var options = new LlmOptions { BaseUrl = new Uri("http://user:s3cret@host/v1") };

        options.RedactedBaseUrl.Should().Be("http://***@host/v1");
        options.BaseUrl.UserInfo.Should().Be("user:s3cret", "what is sent upstream keeps them");
    }
}
