using Chatbot.Application.Questions.AskQuestion;

namespace Chatbot.UnitTests.Application.Questions;

public sealed class AskQuestionCommandValidatorTests
{
    private const string Emoji = "\U0001F600"; // 😀: one code point, two UTF-16 units
    private const string CombiningAcute = "\u0301";

    private readonly AskQuestionCommandValidator _validator = new();

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t\n")]
    [TestCase("\u00A0\u2003")] // no-break space, em space
    public void Missing_empty_or_blank_text_is_invalid_with_the_error_on_Text(string? text)
    {
        var result = _validator.Validate(new AskQuestionCommand(text));

        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainSingle().Which.PropertyName.Should().Be(nameof(AskQuestionCommand.Text));
    }

    [Test]
    public void A_single_character_is_valid() =>
        _validator.Validate(new AskQuestionCommand("?")).IsValid.Should().BeTrue();

    [Test]
    public void Text_around_blanks_is_valid() =>
        _validator.Validate(new AskQuestionCommand("  why?  ")).IsValid.Should().BeTrue();

    [Test]
    public void Exactly_1024_ascii_characters_are_valid() =>
        _validator.Validate(new AskQuestionCommand(new string('a', 1024))).IsValid.Should().BeTrue();

    [Test]
    public void Ascii_text_of_1025_characters_is_invalid_with_the_error_on_Text()
    {
        var result = _validator.Validate(new AskQuestionCommand(new string('a', 1025)));

        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainSingle().Which.PropertyName.Should().Be(nameof(AskQuestionCommand.Text));
    }

    [Test]
    public void Emoji_count_as_one_character_each_so_1024_of_them_are_valid()
    {
        var text = string.Concat(Enumerable.Repeat(Emoji, 1024));
        text.Length.Should().Be(2048, "the test needs text longer than the limit in UTF-16 units");

        _validator.Validate(new AskQuestionCommand(text)).IsValid.Should().BeTrue();
    }

    [Test]
    public void Emoji_text_of_1025_code_points_is_invalid()
    {
        var text = string.Concat(Enumerable.Repeat(Emoji, 1025));

        _validator.Validate(new AskQuestionCommand(text)).IsValid.Should().BeFalse();
    }

    [Test]
    public void Mixed_text_of_1000_ascii_characters_and_24_emoji_is_valid()
    {
        var text = new string('a', 1000) + string.Concat(Enumerable.Repeat(Emoji, 24));

        _validator.Validate(new AskQuestionCommand(text)).IsValid.Should().BeTrue();
    }

    [Test]
    public void Mixed_text_of_1000_ascii_characters_and_25_emoji_is_invalid()
    {
        var text = new string('a', 1000) + string.Concat(Enumerable.Repeat(Emoji, 25));

        _validator.Validate(new AskQuestionCommand(text)).IsValid.Should().BeFalse();
    }

    [Test]
    public void Combining_characters_count_as_code_points_of_their_own()
    {
        // 513 visible letters, each an 'e' plus a combining acute accent: 1026 code points.
        var text = string.Concat(Enumerable.Repeat("e" + CombiningAcute, 513));

        _validator.Validate(new AskQuestionCommand(text)).IsValid.Should().BeFalse();
    }

    [Test]
    public void Combining_characters_up_to_1024_code_points_are_valid()
    {
        var text = string.Concat(Enumerable.Repeat("e" + CombiningAcute, 512));

        _validator.Validate(new AskQuestionCommand(text)).IsValid.Should().BeTrue();
    }

    [Test]
    public void Combining_characters_on_emoji_count_each_code_point()
    {
        // 1023 emoji (2046 UTF-16 units) + one combining mark: 1024 code points, valid; one more mark: invalid.
        var atLimit = string.Concat(Enumerable.Repeat(Emoji, 1023)) + CombiningAcute;

        _validator.Validate(new AskQuestionCommand(atLimit)).IsValid.Should().BeTrue();
        _validator.Validate(new AskQuestionCommand(atLimit + CombiningAcute)).IsValid.Should().BeFalse();
    }
}
