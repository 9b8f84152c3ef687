namespace Chatbot.IntegrationTests;

/// <summary>POST /question with the offline echo provider: the contract of the request body.</summary>
public sealed class QuestionValidationTests
{
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartApi()
    {
        _factory = new ApiFactory(new Dictionary<string, string> { ["LLM_PROVIDER"] = "echo" });
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task A_question_gets_an_answer()
    {
        var response = await _client.AskAsync("Hello! How are you?");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        answer.GetProperty("text").GetString().Should().Be("Echo: Hello! How are you?");
    }

    [TestCase("{}", TestName = "missing text")]
    [TestCase("""{"text":null}""", TestName = "null text")]
    [TestCase("""{"text":""}""", TestName = "empty text")]
    [TestCase("""{"text":"   "}""", TestName = "blank text")]
    [TestCase("""{"text":"\t\n "}""", TestName = "whitespace text")]
    [TestCase("""{"text":5}""", TestName = "text of the wrong type")]
    [TestCase("", TestName = "empty body")]
    [TestCase("null", TestName = "JSON null body")]
    public async Task Invalid_text_is_422_with_the_error_under_text(string body)
    {
        var response = await _client.PostAsync("/question", Problems.Json(body));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").GetProperty("text").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Test]
    public async Task Text_over_1024_characters_is_422()
    {
        var response = await _client.AskAsync(new string('a', 1025));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").GetProperty("text")[0].GetString().Should().Contain("1024");
    }

    [Test]
    public async Task Text_of_exactly_1024_characters_is_answered()
    {
        var text = new string('a', 1024);

        var response = await _client.AskAsync(text);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Echo: " + text);
    }

    [Test]
    public async Task Text_of_1024_emoji_counts_code_points_not_utf16_units()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 1024));

        var response = await _client.AskAsync(text);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.AskAsync(text + "😀")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [TestCase("""{"text":""", TestName = "truncated JSON")]
    [TestCase("""{text: "hi"}""", TestName = "unquoted property")]
    [TestCase("not json at all", TestName = "plain text")]
    [TestCase("""{"text":"hi"} trailing""", TestName = "trailing garbage")]
    public async Task Malformed_json_is_400(string body)
    {
        var response = await _client.PostAsync("/question", Problems.Json(body));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "The request body is not valid JSON.");
    }

    [TestCase("text/plain")]
    [TestCase("application/xml")]
    [TestCase("application/x-www-form-urlencoded")]
    public async Task Wrong_content_type_is_415(string contentType)
    {
        var content = new StringContent("""{"text":"hi"}""", System.Text.Encoding.UTF8, contentType);

        var response = await _client.PostAsync("/question", content);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Wrong_method_is_405_problem()
    {
        var response = await _client.GetAsync("/question");

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task Unknown_path_is_404_problem()
    {
        var response = await _client.GetAsync("/no-such-thing");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
