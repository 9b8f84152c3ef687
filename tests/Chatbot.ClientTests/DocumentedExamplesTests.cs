using System.Text.Json.Nodes;

namespace Chatbot.ClientTests;

/// <summary>
/// The examples that the document shows for <c>POST /question</c> are what the generated client reads: a reader who
/// copies one, or a mock server that replays it, gets the same fields the service really sends.
/// </summary>
public sealed class DocumentedExamplesTests
{
    private static readonly string[] ProblemMembers = ["type", "title", "status", "detail", "instance", "traceId"];

    private static IEnumerable<TestCaseData> QuestionResponseExamples()
    {
        var responses = CommittedDocument.Read()["paths"]!["/question"]!["post"]!["responses"]!.AsObject();
        foreach (var (status, response) in responses)
        {
            foreach (var (mediaType, media) in response!["content"]!.AsObject())
            {
                yield return new TestCaseData(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), media!["example"]?.ToJsonString())
                    .SetArgDisplayNames(status, mediaType);
            }
        }
    }

    [TestCaseSource(nameof(QuestionResponseExamples))]
    public void Each_example_reads_as_the_typed_model_of_its_status(int status, string? example)
    {
        example.Should().NotBeNull("every response of POST /question has an example");
        var options = ClientJson.Options;

        if (status == 200)
        {
            JsonSerializer.Deserialize<AnswerResponse>(example!, options)!.Text.Should().NotBeNullOrWhiteSpace();
            return;
        }

        ProblemDetails problem = status == 422
            ? JsonSerializer.Deserialize<HttpValidationProblemDetails>(example!, options)!
            : JsonSerializer.Deserialize<ProblemDetails>(example!, options)!;
        problem.Status.Should().Be(status, "the example is {0}", example);
        problem.Title.Should().NotBeNullOrWhiteSpace();
        problem.Detail.Should().NotBeNullOrWhiteSpace();
        problem.AdditionalProperties.Keys.Should().BeSubsetOf(
            ["traceId"], "every member of the example must be one of the schema's: {0}", string.Join(", ", ProblemMembers));
        JsonNode.Parse(example!)!["traceId"]?.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        if (problem is HttpValidationProblemDetails validation)
        {
            validation.Errors.Should().ContainKey("text");
        }
    }

    /// <summary>The serializer settings the generated client reads answers with.</summary>
    private sealed class ClientJson : ChatbotApiClient
    {
        private ClientJson()
            : base(new HttpClient())
        {
        }

        public static JsonSerializerOptions Options { get; } = new ClientJson().JsonSerializerSettings;
    }
}
