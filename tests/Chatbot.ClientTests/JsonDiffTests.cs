using System.Text.Json.Nodes;

namespace Chatbot.ClientTests;

/// <summary>The comparison behind the drift test: it finds every kind of difference, and only differences.</summary>
public sealed class JsonDiffTests
{
    [Test]
    public void Documents_that_differ_only_in_key_order_and_number_spelling_are_equal()
    {
        var committed = JsonNode.Parse("""{"a":1,"b":{"x":[1,2],"y":null,"z":true},"c":1.50}""");
        var served = JsonNode.Parse("""{"c":1.5,"b":{"z":true,"y":null,"x":[1,2]},"a":1.0}""");

        JsonDiff.Between(committed, served).Should().BeEmpty();
    }

    [Test]
    public void Each_difference_is_named_by_its_path()
    {
        var committed = JsonNode.Parse("""{"paths":{"/question":{"post":{"summary":"Ask"}}},"tags":["a","b"],"gone":1,"n":null}""");
        var served = JsonNode.Parse("""{"paths":{"/question":{"post":{"summary":"Ask!"}},"/v1/models":{}},"tags":["a"],"n":0}""");

        JsonDiff.Between(committed, served).Should().BeEquivalentTo(
            "$.paths['/question'].post.summary: committed \"Ask\", served \"Ask!\"",
            "$.paths['/v1/models']: only in the served document",
            "$.tags[1]: only in the committed document",
            "$.gone: only in the committed document",
            "$.n: committed null, served 0");
    }

    [Test]
    public void A_value_of_another_kind_is_a_difference()
    {
        JsonDiff.Between(JsonNode.Parse("""{"a":"1"}"""), JsonNode.Parse("""{"a":1}"""))
            .Should().Equal("$.a: committed \"1\", served 1");
    }
}
