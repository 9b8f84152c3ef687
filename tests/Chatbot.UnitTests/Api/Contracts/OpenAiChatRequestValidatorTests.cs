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
    [TestCase("""{"role":"function","content":"hi"}""", TestName = "OpenAI's deprecated function role")]
    [TestCase("""{"role":null,"content":"hi"}""", TestName = "null")]
    [TestCase("""{"content":"hi"}""", TestName = "missing")]
    public void A_role_that_is_not_a_known_one_fails_on_the_message_s_role(string message)
    {
        var failure = Validate($$"""{"messages":[{"role":"user","content":"ok"},{{message}}]}""").Errors.Should().ContainSingle().Subject;

        failure.PropertyName.Should().Be("messages[1].role");
        failure.ErrorMessage.Should().Be("'role' must be one of system, developer, user, assistant, tool.");
    }

    [TestCase("""{"role":"user","content":42}""", TestName = "a number")]
    [TestCase("""{"role":"user","content":{"type":"text","text":"hi"}}""", TestName = "an object")]
    [TestCase("""{"role":"user","content":true}""", TestName = "a boolean")]
    public void Content_that_is_neither_a_string_nor_parts_fails_on_the_message_s_content(string message)
    {
        var failure = Validate($$"""{"messages":[{{message}}]}""").Errors.Should().ContainSingle().Subject;

        failure.PropertyName.Should().Be("messages[0].content");
        failure.ErrorMessage.Should().Be("'content' must be a string, an array of content parts, or null.");
    }

    [TestCase("""[{"type":"text","text":"hi"},{"type":"text"}]""", "messages[0].content[1].text", TestName = "a text part without text")]
    [TestCase("""["hi"]""", "messages[0].content[0].type", TestName = "an array of strings")]
    [TestCase("""[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]""", "messages[0].content[0].type", TestName = "a part type the SDK cannot carry")]
    [TestCase("""[{"type":"image_url","image_url":{}}]""", "messages[0].content[0].image_url.url", TestName = "an image without a url")]
    [TestCase("""[{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"ultra"}}]""", "messages[0].content[0].image_url.detail", TestName = "an unknown detail")]
    [TestCase("""[{"type":"file","file":{"filename":"a.pdf"}}]""", "messages[0].content[0].file", TestName = "a file with neither id nor data")]
    public void A_content_part_that_is_not_a_known_one_fails_on_its_path(string content, string param) =>
        Validate($$"""{"messages":[{"role":"user","content":{{content}}}]}""").Errors.Should().ContainSingle().Which.PropertyName.Should().Be(param);

    [TestCase("""{"role":"user"}""", TestName = "missing")]
    [TestCase("""{"role":"user","content":null}""", TestName = "null")]
    [TestCase("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]}""", TestName = "an image part")]
    [TestCase("""{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}""", TestName = "a file part")]
    [TestCase("""{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}""", TestName = "an assistant's tool calls")]
    public void Content_the_wire_allows_passes_the_wire_rules(string message) =>
        Validate($$"""{"messages":[{{message}}]}""").IsValid.Should().BeTrue();

    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"foo":1}""", "foo", TestName = "an unknown field")]
    [TestCase("""{"messages":[{"role":"user","content":"hi","foo":1}]}""", "messages[0].foo", TestName = "an unknown message field")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","examples":[]}}]}""", "tools[0].function.examples", TestName = "an unknown function field")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_obfuscation":false}}""", "stream_options.include_obfuscation", TestName = "an unknown stream option")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{},"format":"x"}}}""", "response_format.json_schema.format", TestName = "an unknown json_schema field")]
    public void An_unknown_field_is_refused_as_openai_refuses_it(string json, string param)
    {
        var failure = Validate(json).Errors.Should().ContainSingle().Subject;

        failure.PropertyName.Should().Be(param);
        failure.ErrorMessage.Should().Be($"Unrecognized request argument supplied: {param}");
    }

    [Test]
    public void A_tool_message_must_answer_a_call_an_earlier_assistant_message_made()
    {
        const string call = """{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}""";

        Validate($$"""{"messages":[{"role":"user","content":"q"},{{call}},{"role":"tool","tool_call_id":"call_1","content":"42"}]}""")
            .IsValid.Should().BeTrue();
        Validate($$"""{"messages":[{"role":"user","content":"q"},{{call}},{"role":"tool","tool_call_id":"call_2","content":"42"}]}""")
            .Errors.Should().ContainSingle().Which.PropertyName.Should().Be("messages[2].tool_call_id");
        Validate("""{"messages":[{"role":"user","content":"q"},{"role":"tool","content":"42"}]}""")
            .Errors.Should().ContainSingle().Which.PropertyName.Should().Be("messages[1].tool_call_id");
    }

    [TestCase("\"n\":0", "n")]
    [TestCase("\"n\":9", "n")]
    [TestCase("\"top_p\":1.5", "top_p")]
    [TestCase("\"presence_penalty\":-2.5", "presence_penalty")]
    [TestCase("\"frequency_penalty\":3", "frequency_penalty")]
    [TestCase("\"logprobs\":true,\"top_logprobs\":21", "top_logprobs")]
    [TestCase("\"top_logprobs\":2", "top_logprobs")]
    [TestCase("\"logit_bias\":{\"50256\":-101}", "logit_bias")]
    [TestCase("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop")]
    [TestCase("\"stop\":7", "stop")]
    [TestCase("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name\"}}]", "tools[0].function.name")]
    [TestCase("\"tools\":[{\"type\":\"retrieval\"}]", "tools[0].type")]
    [TestCase("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]", "tools[0].function.parameters")]
    [TestCase("\"tool_choice\":\"always\"", "tool_choice")]
    [TestCase("\"tool_choice\":{\"type\":\"function\"}", "tool_choice")]
    [TestCase("\"response_format\":{\"type\":\"yaml\"}", "response_format.type")]
    [TestCase("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}", "response_format.json_schema.name")]
    [TestCase("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a\",\"schema\":\"x\"}}", "response_format.json_schema.schema")]
    [TestCase("\"stream_options\":{\"include_usage\":true}", "stream_options")]
    public void A_field_outside_openai_s_rules_fails_on_its_path(string field, string param) =>
        Validate($$"""{"messages":[{"role":"user","content":"hi"}],{{field}}}""").Errors.Should().ContainSingle().Which.PropertyName.Should().Be(param);

    [Test]
    public void Every_field_the_service_carries_passes_together()
    {
        const string json = """
            {"model":"m","messages":[{"role":"developer","content":"be brief","name":"app"},{"role":"user","content":"hi"}],
             "temperature":0.2,"top_p":0.9,"n":2,"stop":["x","y"],"seed":12345678901,"presence_penalty":0.5,"frequency_penalty":-0.5,
             "logit_bias":{"50256":-100},"logprobs":true,"top_logprobs":3,"user":"u-1","reasoning_effort":"low","service_tier":"auto",
             "store":false,"metadata":{"k":"v"},"max_tokens":10,"max_completion_tokens":20,
             "tools":[{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object"},"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}},
             "stream":true,"stream_options":{"include_usage":true}}
            """;

        Validate(json).Errors.Should().BeEmpty();
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
            "messages[2].role", "messages[10]", "temperature");
    }
}
