using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Chatbot.Application.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Chatbot.ClientTests;

/// <summary>
/// Each error example of the committed document is what the service really writes for that status: the status is
/// provoked and the body compared member for member (the trace id aside, which differs on every request).
/// </summary>
public sealed class ExamplesEqualRealAnswersTests
{
    private const string Key = "sk-examples-test-key-1357";
    private const string Json = "application/json";
    private const string Question = """{"text":"hi"}""";
    private const string Chat = """{"messages":[{"role":"user","content":"hi"}]}""";

    private static readonly string LongText = $$"""{"text":"{{new string('a', 1025)}}"}""";
    private static readonly string BigQuestion = $$"""{"text":"{{new string('x', 70 * 1024)}}"}""";
    // Over CHAT_MAX_BODY_KB's default of 8 MiB: /v1/chat/completions takes inline images.
    private static readonly string BigChat = $$"""{"messages":[{"role":"user","content":"{{new string('x', 8 * 1024 * 1024)}}"}]}""";

    private ApiServer _echo = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _echo = ApiServer.StartEcho();
        _http = _echo.NewHttpClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _echo.DisposeAsync();
    }

    [TestCase("/question", 400, """{"text":""", Json)]
    [TestCase("/question", 413, null, Json)]
    [TestCase("/question", 415, Question, "text/plain")]
    [TestCase("/question", 422, null, Json)]
    [TestCase("/question/stream", 413, null, Json)]
    [TestCase("/question/stream", 415, Question, "text/plain")]
    [TestCase("/question/stream", 422, null, Json)]
    [TestCase("/v1/chat/completions", 400, """{"messages":[{"role":"bad","content":"hi"}]}""", Json)]
    [TestCase("/v1/chat/completions", 404, """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Json)]
    [TestCase("/v1/chat/completions", 413, null, Json)]
    [TestCase("/v1/chat/completions", 415, """{"messages":[{"role":"user","content":"hi"}]}""", "text/plain")]
    public async Task The_example_of_a_status_the_service_decides_is_its_real_answer(string path, int status, string? body, string mediaType)
    {
        body ??= status switch
        {
            413 => path.StartsWith("/v1", StringComparison.Ordinal) ? BigChat : BigQuestion,
            _ => LongText,
        };

        await ShouldAnswerAsDocumented(_http, HttpMethod.Post, path, status, body, mediaType);
    }

    [Test]
    public async Task The_examples_of_401_and_429_are_the_real_answers()
    {
        // The 429 examples name a limit of 60 requests per minute.
        await using var api = ApiServer.StartEcho(("API_KEYS", Key), ("RATE_LIMIT_PER_MINUTE", "60"));
        using var anonymous = api.NewHttpClient();
        await ShouldAnswerAsDocumented(anonymous, HttpMethod.Post, "/question", 401, Question, Json);
        await ShouldAnswerAsDocumented(anonymous, HttpMethod.Post, "/question/stream", 401, Question, Json);
        await ShouldAnswerAsDocumented(anonymous, HttpMethod.Get, "/v1/models", 401, null, null);
        await ShouldAnswerAsDocumented(anonymous, HttpMethod.Post, "/v1/chat/completions", 401, Chat, Json);
        await ShouldAnswerAsDocumented(anonymous, HttpMethod.Get, "/metrics", 401, null, null);

        using var keyed = api.NewHttpClient();
        keyed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        for (var sent = 0; sent < 60; sent++)
        {
            using var spent = await keyed.GetAsync(new Uri("/v1/models", UriKind.Relative));
        }

        await ShouldAnswerAsDocumented(keyed, HttpMethod.Get, "/v1/models", 429, null, null);
        await ShouldAnswerAsDocumented(keyed, HttpMethod.Post, "/question", 429, Question, Json);
        await ShouldAnswerAsDocumented(keyed, HttpMethod.Post, "/question/stream", 429, Question, Json);
        await ShouldAnswerAsDocumented(keyed, HttpMethod.Post, "/v1/chat/completions", 429, Chat, Json);
    }

    [Test]
    public async Task The_examples_of_500_are_the_real_answers()
    {
        var broken = Substitute.For<IChatCompletionProvider>();
        broken.CompleteAsync(default!, default).ThrowsForAnyArgs(new InvalidOperationException("boom"));
        var routes = Substitute.For<IRouteProviders>();
        routes.For(default!).ReturnsForAnyArgs(broken);
        await using var api = ApiServer.StartEcho(services => services.AddSingleton(routes));
        using var http = api.NewHttpClient();

        await ShouldAnswerAsDocumented(http, HttpMethod.Post, "/question", 500, Question, Json);
        await ShouldAnswerAsDocumented(http, HttpMethod.Post, "/v1/chat/completions", 500, Chat, Json);
    }

    [Test]
    public async Task The_example_of_metrics_when_they_are_off_is_the_real_answer()
    {
        await using var api = ApiServer.StartEcho(("METRICS_ENABLED", "false"));
        using var http = api.NewHttpClient();

        await ShouldAnswerAsDocumented(http, HttpMethod.Get, "/metrics", 404, null, null);
    }

    private static async Task ShouldAnswerAsDocumented(HttpClient http, HttpMethod method, string path, int status, string? body, string? mediaType)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType!);
            // A body Kestrel refuses on its length alone is then not sent at all (no broken pipe mid-upload).
            request.Headers.ExpectContinue = body.Length > 64 * 1024;
        }

        using var response = await http.SendAsync(request);
        ((int)response.StatusCode).Should().Be(status, "{0} {1} is provoked to answer {2}", method, path, status);

        var operation = CommittedDocument.Read()["paths"]![path]![method.Method.ToLowerInvariant()]!;
        var documented = operation["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?.AsObject();
        documented.Should().NotBeNull("{0} {1} documents {2}", method, path, status);
        var (documentedType, media) = documented!.Single();
        response.Content.Headers.ContentType!.MediaType.Should().Be(documentedType, "the media type of {0} {1} {2}", method, path, status);

        var example = media!["example"]!.DeepClone();
        var real = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (real is JsonObject answer && answer["traceId"] is not null && example is JsonObject shown && shown["traceId"] is not null)
        {
            answer["traceId"] = shown["traceId"]!.DeepClone();
        }

        JsonNode.DeepEquals(example, real).Should().BeTrue(
            "the example of {0} {1} {2} must be the service's answer:\n  documented {3}\n  real       {4}",
            method, path, status, example.ToJsonString(), real.ToJsonString());
    }
}
