using System.Text.Json;
using Chatbot.Api.Contracts;
using Chatbot.Api.ErrorHandling;

namespace Chatbot.UnitTests.Api.ErrorHandling;

public sealed class JsonTypeNamesTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [TestCase("messages", "an array of objects")]
    [TestCase("messages[3]", "an object")]
    [TestCase("messages[0].role", "a string")]
    [TestCase("max_tokens", "an integer")]
    [TestCase("temperature", "a number")]
    [TestCase("stream", "a boolean")]
    public void The_contract_s_type_at_a_json_path_is_named(string path, string expected) =>
        JsonTypeNames.Expected(Options, typeof(OpenAiChatRequest), path).Should().Be(expected);

    [TestCase("messages[0].content", TestName = "content takes any JSON")]
    [TestCase("nope", TestName = "a field the contract does not have")]
    [TestCase("model.inner", TestName = "a path below a string")]
    public void A_path_without_one_expected_type_has_no_name(string path) =>
        JsonTypeNames.Expected(Options, typeof(OpenAiChatRequest), path).Should().BeNull();
}
