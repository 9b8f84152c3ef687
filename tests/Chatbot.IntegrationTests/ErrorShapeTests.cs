namespace Chatbot.IntegrationTests;

/// <summary>
/// One place decides the error shape: under <c>/v1</c> every status is OpenAI's <c>{"error":{...}}</c>, whatever
/// produced it (routing, MVC, Kestrel, model binding); elsewhere the same failures stay RFC 9457 problem details.
/// On real Kestrel, where a body over the limit is refused as it would be in production.
/// </summary>
public sealed class ErrorShapeTests : FakeUpstreamFixture
{
    private const string ValidChat = """{"messages":[{"role":"user","content":"hi"}]}""";

    protected override bool OnKestrel => true;

    private static string Oversized(string field) => "{\"" + field + "\":\"" + new string('x', 70 * 1024) + "\"}";

    /// <summary>A body with the bytes of <paramref name="latin1Json"/> as Latin-1: <c>é</c> becomes 0xE9, which is not UTF-8.</summary>
    private static ByteArrayContent NotUtf8(string latin1Json)
    {
        var content = new ByteArrayContent(System.Text.Encoding.Latin1.GetBytes(latin1Json));
        content.Headers.ContentType = new("application/json");
        return content;
    }

    private static async Task<JsonElement> ShouldBeOpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be((int)status, "the body was {0}", text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json", "the body was {0}", text);
        Problems.ShouldNotLeak(text);
        var root = JsonDocument.Parse(text).RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal(["error"], "OpenAI's shape has one member");
        var error = root.GetProperty("error").Clone();
        error.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("message", "type", "param", "code");
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace().And.NotContain("{", "the message is text, not a JSON body");
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        if (code is null)
        {
            error.GetProperty("code").ValueKind.Should().Be(JsonValueKind.Null);
        }
        else
        {
            error.GetProperty("code").GetString().Should().Be(code);
        }

        return error;
    }

    [Test]
    public async Task An_unknown_path_under_v1_is_openai_s_404_invalid_url()
    {
        var response = await Client.GetAsync("/v1/nope");

        var error = await ShouldBeOpenAiErrorAsync(response, HttpStatusCode.NotFound, "unknown_url");
        error.GetProperty("message").GetString().Should().Be("Invalid URL (GET /v1/nope)");
    }

    [Test]
    public async Task A_wrong_method_under_v1_is_openai_s_405()
    {
        var response = await Client.GetAsync("/v1/chat/completions");

        var error = await ShouldBeOpenAiErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        error.GetProperty("message").GetString().Should().Be("Invalid method for URL (GET /v1/chat/completions)");
        response.Content.Headers.Allow.Should().Equal("POST");
    }

    [Test]
    public async Task A_body_over_the_limit_under_v1_is_openai_s_413()
    {
        // /v1/chat/completions has its own limit (CHAT_MAX_BODY_KB, 8 MiB by default): images come inline.
        var body = "{\"padding\":\"" + new string('x', 8 * 1024 * 1024) + "\"}";
        // Expect: 100-continue, so the client sends nothing of the body Kestrel refuses on its Content-Length alone.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Problems.Json(body) };
        request.Headers.ExpectContinue = true;
        var response = await Client.SendAsync(request);

        var error = await ShouldBeOpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        error.GetProperty("message").GetString().Should().Be("The request body is larger than the limit of 8192 KiB.");
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task An_image_of_a_mebibyte_inline_fits_v1_s_limit_and_reaches_the_provider_whole()
    {
        Fake.Enqueue(FakeResponse.Completion("a cat"));
        var image = "data:image/png;base64," + Convert.ToBase64String(new byte[768 * 1024]);
        var body = $$$"""{"messages":[{"role":"user","content":[{"type":"text","text":"what is it?"},{"type":"image_url","image_url":{"url":"{{{image}}}","detail":"high"}}]}]}""";

        var response = await Client.PostAsync("/v1/chat/completions", Problems.Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var part = Fake.Received.Should().ContainSingle().Which.BodyJson.GetProperty("messages")[0].GetProperty("content")[1];
        part.GetProperty("type").GetString().Should().Be("image_url");
        part.GetProperty("image_url").GetProperty("url").GetString().Should().Be(image);
        part.GetProperty("image_url").GetProperty("detail").GetString().Should().Be("high");
    }

    [Test]
    public async Task The_same_mebibyte_on_question_is_still_over_its_64_KiB()
    {
        var body = "{\"text\":\"" + new string('x', 1024 * 1024) + "\"}";

        var response = await Client.PostAsync("/question", Problems.Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task A_body_that_is_not_json_under_v1_is_openai_s_415()
    {
        var response = await Client.PostAsync("/v1/chat/completions", new StringContent(ValidChat, System.Text.Encoding.UTF8, "text/plain"));

        var error = await ShouldBeOpenAiErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        error.GetProperty("message").GetString().Should().Be("The request body must be application/json.");
    }

    [TestCase("""{"messages":"hi"}""", "messages", "'messages' must be an array of objects.", TestName = "messages a string")]
    [TestCase("""{"messages":[1]}""", "messages[0]", "'messages[0]' must be an object.", TestName = "a message a number")]
    [TestCase("""{"messages":[{"role":5,"content":"hi"}]}""", "messages[0].role", "'messages[0].role' must be a string.", TestName = "role a number")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":"many"}""", "max_tokens", "'max_tokens' must be an integer.", TestName = "max_tokens a string")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"temperature":true}""", "temperature", "'temperature' must be a number.", TestName = "temperature a boolean")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream", "'stream' must be a boolean.", TestName = "stream a string")]
    public async Task Valid_json_of_the_wrong_type_under_v1_is_openai_s_400_naming_the_field(string body, string param, string message)
    {
        var response = await Client.PostAsync("/v1/chat/completions", Problems.Json(body));

        var error = await ShouldBeOpenAiErrorAsync(response, HttpStatusCode.BadRequest, code: null);
        error.GetProperty("param").GetString().Should().Be(param);
        error.GetProperty("message").GetString().Should().Be(message);
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [TestCase("""{"messages":[{"role":"user","content":"hi"}""", "The request body is not valid JSON.", TestName = "truncated JSON")]
    [TestCase("""["hi"]""", "The request body must be a JSON object.", TestName = "an array at the top")]
    public async Task A_body_that_cannot_be_read_under_v1_is_openai_s_400_without_a_param(string body, string message)
    {
        var response = await Client.PostAsync("/v1/chat/completions", Problems.Json(body));

        var error = await ShouldBeOpenAiErrorAsync(response, HttpStatusCode.BadRequest, code: null);
        error.GetProperty("param").ValueKind.Should().Be(JsonValueKind.Null);
        error.GetProperty("message").GetString().Should().Be(message);
    }

    [TestCase("""{"messages":[{"role":"user","content":"café"}]}""", TestName = "in a string content")]
    [TestCase("""{"messages":[{"role":"user","content":[{"type":"text","text":"café"}]}]}""", TestName = "in a text part")]
    [TestCase("""{"model":"café","messages":[{"role":"user","content":"hi"}]}""", TestName = "in a string field")]
    public async Task Invalid_utf8_under_v1_is_openai_s_400(string latin1Json)
    {
        var response = await Client.PostAsync("/v1/chat/completions", NotUtf8(latin1Json));

        var error = await ShouldBeOpenAiErrorAsync(response, HttpStatusCode.BadRequest, code: null);
        error.GetProperty("message").GetString().Should().Contain("UTF-8");
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task The_same_content_in_valid_utf8_is_answered()
    {
        Fake.Enqueue(FakeResponse.Completion("oui"));

        var response = await Client.PostAsync("/v1/chat/completions", Problems.Json("""{"messages":[{"role":"user","content":[{"type":"text","text":"café"}]}]}"""));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Fake.Received.Should().ContainSingle().Which.BodyJson.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString().Should().Be("café");
    }

    [Test]
    public async Task An_unknown_path_elsewhere_stays_a_problem_404()
    {
        var response = await Client.GetAsync("/nope");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "No resource exists at this path.");
    }

    [Test]
    public async Task A_path_that_only_starts_like_v1_is_not_under_it()
    {
        var response = await Client.GetAsync("/v1nope");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_wrong_method_elsewhere_stays_a_problem_405()
    {
        var response = await Client.GetAsync("/question/stream");

        await response.ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "This method is not allowed on this path.");
    }

    [TestCase("/question")]
    [TestCase("/question/stream")]
    public async Task A_body_over_the_limit_elsewhere_stays_a_problem_413(string path)
    {
        var response = await Client.PostAsync(path, Problems.Json(Oversized("text")));

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "The request body is larger than the limit of 64 KiB.");
    }

    [TestCase("/question")]
    [TestCase("/question/stream")]
    public async Task A_body_that_is_not_json_elsewhere_stays_a_problem_415(string path)
    {
        var response = await Client.PostAsync(path, new StringContent("""{"text":"hi"}""", System.Text.Encoding.UTF8, "text/plain"));

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "The request body must be application/json.");
    }

    [Test]
    public async Task A_wrong_type_on_question_stays_the_original_422_naming_the_field()
    {
        var response = await Client.PostAsync("/question", Problems.Json("""{"text":5}"""));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").GetProperty("text").EnumerateArray().Select(e => e.GetString()).Should().Equal("'text' must be a string.");
    }

    [TestCase("/question")]
    [TestCase("/question/stream")]
    public async Task Invalid_utf8_elsewhere_is_a_problem_400(string path)
    {
        var response = await Client.PostAsync(path, NotUtf8("""{"text":"café"}"""));

        await response.ShouldBeProblemAsync(
            HttpStatusCode.BadRequest, "The request body is not valid UTF-8: a JSON string holds bytes that are not UTF-8 text.");
        Fake.ChatCompletionCalls.Should().Be(0);
    }

    [Test]
    public async Task A_body_that_is_not_an_object_elsewhere_is_a_problem_400()
    {
        var response = await Client.PostAsync("/question", Problems.Json("\"hi\""));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "The request body must be a JSON object.");
    }

    [Test]
    public async Task A_stream_error_event_under_v1_is_openai_s_shape_and_elsewhere_a_problem()
    {
        var good = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Half "},"finish_reason":null}]}""";
        var broken = FakeResponse.Raw($"data: {good}\n\ndata: this is not json\n\n", "text/event-stream");
        Fake.Enqueue(broken);
        Fake.Enqueue(broken);

        var chat = await (await Client.PostAsync("/v1/chat/completions", Problems.Json("""{"stream":true,"messages":[{"role":"user","content":"hi"}]}""")))
            .Content.ReadAsStringAsync();
        var question = await (await Client.PostAsync("/question/stream", Problems.Json("""{"text":"hi"}"""))).Content.ReadAsStringAsync();

        var chatError = JsonDocument.Parse(ErrorEventData(chat)).RootElement.GetProperty("error");
        chatError.GetProperty("type").GetString().Should().Be("api_error");
        chatError.GetProperty("message").GetString().Should().Be("Invalid response from LLM provider");
        var problem = JsonDocument.Parse(ErrorEventData(question)).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be(502);
        problem.GetProperty("title").GetString().Should().Be("Bad Gateway");
        problem.GetProperty("detail").GetString().Should().Be("Invalid response from LLM provider");
        problem.GetProperty("instance").GetString().Should().Be("/question/stream");
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrWhiteSpace();
    }

    private static string ErrorEventData(string stream)
    {
        var events = stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var error = events.Should().ContainSingle(e => e.StartsWith("event: error\n", StringComparison.Ordinal), "the stream was {0}", stream).Subject;
        return error["event: error\ndata: ".Length..];
    }
}
