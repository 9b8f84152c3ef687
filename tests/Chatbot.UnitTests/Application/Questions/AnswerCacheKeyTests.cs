using Chatbot.Application.Options;
using Chatbot.Application.Questions.Caching;
using Chatbot.UnitTests.TestSupport;

namespace Chatbot.UnitTests.Application.Questions;

public sealed class AnswerCacheKeyTests
{
    private static LlmOptions Options() => new()
    {
        Provider = "openai",
        BaseUrl = new Uri("https://api.example.com/v1"),
        Model = "gpt-test",
        SystemPrompt = "Be brief.",
        Temperature = 0.7,
        MaxTokens = 100,
    };

    [Test]
    public void The_same_question_with_the_same_settings_has_the_same_key()
    {
        AnswerCacheKey.For(TestRoutes.Of(Options()), "What is 2+2?").Should().Be(AnswerCacheKey.For(TestRoutes.Of(Options()), "What is 2+2?"));
    }

    [Test]
    public void The_key_is_a_prefixed_hash_that_does_not_show_the_question()
    {
        var key = AnswerCacheKey.For(TestRoutes.Of(Options()), "my secret question");

        key.Should().StartWith(AnswerCacheKey.Prefix).And.NotContain("secret");
        key[AnswerCacheKey.Prefix.Length..].Should().MatchRegex("^[0-9a-f]{64}$");
    }

    private static IEnumerable<TestCaseData> Changes()
    {
        yield return new TestCaseData((Action<LlmOptions>)(o => o.Provider = "echo")).SetName("{m}(provider)");
        yield return new TestCaseData((Action<LlmOptions>)(o => o.BaseUrl = new Uri("https://other.example.com/v1"))).SetName("{m}(base URL)");
        yield return new TestCaseData((Action<LlmOptions>)(o => o.Model = "gpt-other")).SetName("{m}(model)");
        yield return new TestCaseData((Action<LlmOptions>)(o => o.SystemPrompt = null)).SetName("{m}(system prompt)");
        yield return new TestCaseData((Action<LlmOptions>)(o => o.Temperature = 0.70001)).SetName("{m}(temperature)");
        yield return new TestCaseData((Action<LlmOptions>)(o => o.MaxTokens = null)).SetName("{m}(max tokens)");
    }

    [TestCaseSource(nameof(Changes))]
    public void Any_setting_that_shapes_the_answer_changes_the_key(Action<LlmOptions> change)
    {
        var changed = Options();
        change(changed);

        AnswerCacheKey.For(TestRoutes.Of(changed), "What is 2+2?").Should().NotBe(AnswerCacheKey.For(TestRoutes.Of(Options()), "What is 2+2?"));
    }

    [Test]
    public void Another_text_changes_the_key_and_no_text_can_pass_for_a_setting()
    {
        var plain = Options();
        var withoutPrompt = Options();
        withoutPrompt.SystemPrompt = null;

        AnswerCacheKey.For(TestRoutes.Of(plain), "What is 2+2?").Should().NotBe(AnswerCacheKey.For(TestRoutes.Of(plain), "What is 2+3?"));
        AnswerCacheKey.For(TestRoutes.Of(withoutPrompt), "Be brief.\",\"0.7").Should().NotBe(AnswerCacheKey.For(TestRoutes.Of(plain), "0.7"));
    }

    [Test]
    public void Two_routes_with_the_same_settings_have_different_keys()
    {
        var options = Options();

        AnswerCacheKey.For(TestRoutes.Of(options, "fast"), "What is 2+2?")
            .Should().NotBe(AnswerCacheKey.For(TestRoutes.Of(options, "strong"), "What is 2+2?"));
    }
}
