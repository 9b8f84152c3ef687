namespace Chatbot.IntegrationTests;

/// <summary>/health, the redirect to the docs, Swagger UI, ReDoc and the OpenAPI document.</summary>
public sealed class DocsAndHealthTests
{
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartApi()
    {
        _factory = new ApiFactory(new Dictionary<string, string> { ["LLM_PROVIDER"] = "echo", ["LLM_MODEL"] = "echo-model" });
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false });
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task Health_says_healthy_with_a_utc_timestamp_and_what_serves()
    {
        var response = await _client.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        health.GetProperty("status").GetString().Should().Be("healthy");
        health.GetProperty("service").GetString().Should().Be("llm-chatbot-api");
        health.GetProperty("provider").GetString().Should().Be("echo");
        health.GetProperty("model").GetString().Should().Be("echo-model");
        var timestamp = health.GetProperty("timestamp").GetString()!;
        timestamp.Should().EndWith("Z");
        DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Test]
    public async Task Root_redirects_to_docs_with_307()
    {
        var response = await _client.GetAsync("/");

        response.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location!.ToString().Should().Be("/docs");
    }

    [Test]
    public async Task Swagger_ui_is_served_and_loads_our_document()
    {
        var redirect = await _client.GetAsync("/docs");
        redirect.StatusCode.Should().Be(HttpStatusCode.Redirect);
        redirect.Headers.Location!.ToString().Should().Be("/docs/index.html?url=/openapi.json", "the page must load our document");

        var response = await _client.GetAsync(redirect.Headers.Location);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await response.Content.ReadAsStringAsync()).Should().Contain("swagger-ui");
    }

    [Test]
    public async Task Redoc_is_served_by_the_service_itself_and_loads_our_document()
    {
        var redirect = await _client.GetAsync("/redoc");
        redirect.StatusCode.Should().Be(HttpStatusCode.MovedPermanently);
        redirect.Headers.Location!.ToString().Should().Be("redoc/index.html");

        var page = await _client.GetStringAsync("/redoc/index.html");
        var script = await _client.GetStringAsync("/redoc/index.js");
        var bundle = await _client.GetAsync("/redoc/redoc.standalone.js");

        page.Should().Contain("redoc-container").And.NotContain("cdn.jsdelivr.net");
        script.Should().Contain("\"/openapi.json\"", "the page must load our document").And.Contain("\"disableTelemetry\":true");
        bundle.StatusCode.Should().Be(HttpStatusCode.OK, "ReDoc's script comes from the service, not from a CDN");
    }

    [Test]
    public async Task The_openapi_document_describes_every_answer_of_question()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi.json");

        var post = document.GetProperty("paths").GetProperty("/question").GetProperty("post");
        var responses = post.GetProperty("responses");
        var codes = responses.EnumerateObject().Select(p => p.Name).ToList();
        codes.Should().BeEquivalentTo(["200", "400", "401", "413", "415", "422", "429", "500", "502", "503", "504"]);

        foreach (var response in responses.EnumerateObject())
        {
            var headers = response.Value.GetProperty("headers");
            headers.TryGetProperty("X-Process-Time", out _).Should().BeTrue();
            headers.TryGetProperty("X-Memory-Used", out _).Should().BeTrue();
            headers.TryGetProperty("X-Memory-Delta", out _).Should().BeTrue();
            var content = response.Value.GetProperty("content");
            var mediaType = response.Name == "200" ? "application/json" : "application/problem+json";
            content.TryGetProperty(mediaType, out var media).Should().BeTrue($"{response.Name} is {mediaType}");
            media.TryGetProperty("example", out _).Should().BeTrue($"{response.Name} has an example");
            media.GetProperty("schema").GetProperty("$ref").GetString().Should().NotBeNullOrEmpty();
        }

        responses.GetProperty("429").GetProperty("headers").TryGetProperty("Retry-After", out _).Should().BeTrue();
        post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("text").GetString().Should().NotBeNullOrEmpty();

        var request = document.GetProperty("components").GetProperty("schemas").GetProperty("QuestionRequest");
        request.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Should().Contain("text");
        request.GetProperty("properties").GetProperty("text").GetProperty("maxLength").GetInt32().Should().Be(1024);
        document.GetProperty("paths").TryGetProperty("/health", out _).Should().BeTrue();
    }
}
