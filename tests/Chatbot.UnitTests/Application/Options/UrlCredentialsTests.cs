using Chatbot.Application.Options;

namespace Chatbot.UnitTests.Application.Options;

public sealed class UrlCredentialsTests
{
    [TestCase("http://user:s3cret@host/v1", "http://***@host/v1")]
    [TestCase("https://user:s3cr%2Fet@host:8443/v1beta/openai/", "https://***@host:8443/v1beta/openai/")]
    [TestCase("http://token@127.0.0.1:11434/v1", "http://***@127.0.0.1:11434/v1")]
    [TestCase("https://api.openai.com/v1", "https://api.openai.com/v1")]
    [TestCase("http://localhost:11434/v1/", "http://localhost:11434/v1/")]
    public void A_url_is_shown_without_its_user_information(string url, string shown) =>
        UrlCredentials.Redact(new Uri(url)).Should().Be(shown);

    [TestCase("ftp://user:s3cret@host/v1", "ftp://***@host/v1")]
    [TestCase("http://user:s3cret@host/v1?x=1", "http://***@host/v1?x=1")]
    [TestCase("http://us@er:s3c@ret@host/v1", "http://***@host/v1")]
    [TestCase("http:/user:s3cret@host/v1", "http:/***@host/v1")]
    [TestCase(@"http:\\user:s3cret@host\v1", @"http:\\***@host\v1")]
    [TestCase("user:s3cret@host/v1", "user:***@host/v1")]
    [TestCase(" http://user:s3cret@host", " http://***@host")]
    [TestCase("http://host/v1/@me", "http://host/v1/@me")]
    [TestCase("not a url", "not a url")]
    public void A_value_that_is_no_url_loses_whatever_stands_where_user_information_would(string raw, string shown) =>
        UrlCredentials.Redact(raw).Should().Be(shown);
}
