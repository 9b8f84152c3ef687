using System.Text.Json;
using Chatbot.Api.Contracts;
using Chatbot.Api.Contracts.Validation;
using FluentValidation.Results;

namespace Chatbot.UnitTests.Api.Contracts;

public sealed class OpenAiChatRequestValidatorTests
{
    private readonly OpenAiChatRequestValidator _validator = new();

    // The request as MVC binds it from the body, so the content is the JsonElement a client sent.
    private ValidationResult Validate(string json) =>
        _validator.Validate(JsonSerializer.Deserialize<OpenAiChatRequest>(json)!);

    [TestCase("""{"messages":[{"role":"user","content":"hi"}]}""", TestName = "a string content")]
    [TestCase("""{"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"text","text":" there"}]}]}""", TestName = "text parts")]
    [TestCase("""{"messages":[{"role":"system","content":"a"},{"role":"developer","content":"b"},{"role":"user","content":"c"},{"role":"assistant","content":"d"}]}""", TestName = "every role")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":0}""", TestName = "temperature 0")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":2}""", TestName = "temperature 2")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":null,"model":null,"stream":true}""", TestName = "nulls where optional")]
    public void A_request_in_openai_s_shape_is_valid(string json) =>
        Validate(json).IsValid.Should().BeTrue();

    [TestCase("""{}""", TestName = "missing")]
    [TestCase("""{"messages":null}""", TestName = "null")]
    [TestCase("""{"messages":[]}""", TestName = "empty")]
    public void Missing_or_empty_messages_fail_on_messages(string json) =>
        Validate(json).Errors.Should().ContainSingle().Which.PropertyName.Should().Be("messages");

    [TestCase("""{"messages":[null]}""", "messages[0]", TestName = "the only message")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"},null]}""", "messages[1]", TestName = "the second message")]
    public void A_null_message_fails_on_its_index_alone(string json, string param)
    {
        var failure = Validate(json).Errors.Should().ContainSingle().Subject;

        failure.PropertyName.Should().Be(param);
        failure.ErrorMessage.Should().Be($"'{param}' must be an object with a role and a content, not null.");
    }

    [TestCase("""{"role":"wizard","content":"hi"}""", TestName = "unknown")]
    [TestCase("""{"role":"User","content":"hi"}""", TestName = "another case")]
    [TestCase("""{"role":"tool","content":"hi"}""", TestName = "an OpenAI role this service does not take")]
    [TestCase("""{"role":null,"content":"hi"}""", TestName = "null")]
    [TestCase("""{"content":"hi"}""", TestName = "missing")]
    public void A_role_that_is_not_a_known_one_fails_on_the_message_s_role(string message)
    {
        var failure = Validate($$"""{"messages":[{"role":"user","content":"ok"},{{message}}]}""").Errors.Should().ContainSingle().Subject;

        failure.PropertyName.Should().Be("messages[1].role");
        failure.ErrorMessage.Should().Be("'role' must be one of system, developer, user, assistant.");
    }

    [TestCase("""{"role":"user"}""", TestName = "missing")]
    [TestCase("""{"role":"user","content":null}""", TestName = "null")]
    [TestCase("""{"role":"user","content":42}""", TestName = "a number")]
    [TestCase("""{"role":"user","content":{"type":"text","text":"hi"}}""", TestName = "an object")]
    [TestCase("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}""", TestName = "an image part")]
    [TestCase("""{"role":"user","content":[{"type":"text","text":"hi"},{"type":"text"}]}""", TestName = "a text part without text")]
    [TestCase("""{"role":"user","content":["hi"]}""", TestName = "an array of strings")]
    public void Content_that_is_neither_a_string_nor_text_parts_fails_on_the_message_s_content(string message)
    {
        var failure = Validate($$"""{"messages":[{{message}}]}""").Errors.Should().ContainSingle().Subject;

        failure.PropertyName.Should().Be("messages[0].content");
        failure.ErrorMessage.Should().Be("'content' must be a string or an array of text parts.");
    }

    [TestCase(-0.1)]
    [TestCase(2.1)]
    [TestCase(-1e9)]
    public void Temperature_outside_0_to_2_fails_on_temperature(double temperature)
    {
        var json = $$"""{"messages":[{"role":"user","content":"hi"}],"temperature":{{temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""";

        Validate(json).Errors.Should().ContainSingle().Which.PropertyName.Should().Be("temperature");
    }

    [TestCase("""{"messages":[{"role":"user","content":""}]}""", TestName = "empty content")]
    [TestCase("""{"messages":[{"role":"user","content":[]}]}""", TestName = "no text parts")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", TestName = "max_tokens 0")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":100001}""", TestName = "max_completion_tokens over the limit")]
    [TestCase("""{"model":"gpt-imaginary","messages":[{"role":"user","content":"hi"}]}""", TestName = "another model")]
    public void The_service_s_own_limits_are_left_to_the_command_s_validator(string json) =>
        Validate(json).IsValid.Should().BeTrue();

    [Test]
    public void More_messages_than_the_service_takes_are_left_to_the_command_s_validator()
    {
        var messages = string.Join(',', Enumerable.Repeat("""{"role":"user","content":"m"}""", 101));

        Validate($$"""{"messages":[{{messages}}]}""").IsValid.Should().BeTrue();
    }

    [Test]
    public void Failures_come_in_message_order_then_field_order()
    {
        var messages = Enumerable.Range(0, 11)
            .Select(i => i switch
            {
                2 => """{"role":"wizard","content":7}""",
                10 => "null",
                _ => """{"role":"user","content":"ok"}""",
            });

        var result = Validate($$"""{"messages":[{{string.Join(',', messages)}}],"temperature":3}""");

        result.Errors.Select(f => f.PropertyName).Should().Equal(
            "messages[2].role", "messages[2].content", "messages[10]", "temperature");
    }
}
