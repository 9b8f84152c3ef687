using Chatbot.Infrastructure.Security;

namespace Chatbot.UnitTests.Infrastructure.Security;

public sealed class ClientApiKeysTests
{
    private static readonly ClientApiKeys Keys = ClientApiKeys.From(["first-key-0123456789", "second-key-0123456789"]);

    [TestCase("first-key-0123456789")]
    [TestCase("second-key-0123456789")]
    public void An_accepted_key_matches_and_names_its_client_without_the_key(string key)
    {
        Keys.TryMatch(key, out var client).Should().BeTrue();

        client.Should().MatchRegex("^key:[0-9a-f]{16}$").And.NotContain(key);
    }

    [TestCase("")]
    [TestCase("first-key-012345678")]
    [TestCase("first-key-0123456789 ")]
    [TestCase("FIRST-KEY-0123456789")]
    public void Anything_else_does_not_match(string presented)
    {
        Keys.TryMatch(presented, out var client).Should().BeFalse();

        client.Should().BeEmpty();
    }

    [Test]
    public void Each_key_names_a_client_of_its_own_and_always_the_same_one()
    {
        Keys.TryMatch("first-key-0123456789", out var first);
        Keys.TryMatch("second-key-0123456789", out var second);
        ClientApiKeys.From(["first-key-0123456789"]).TryMatch("first-key-0123456789", out var again);

        first.Should().NotBe(second);
        again.Should().Be(first, "every instance names the same client alike, so their rate limits meet in Redis");
    }

    [Test]
    public void No_keys_match_nothing()
    {
        ClientApiKeys.None.TryMatch("first-key-0123456789", out _).Should().BeFalse();
    }
}
