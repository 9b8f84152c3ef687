using System.Globalization;

namespace Chatbot.IntegrationTests;

/// <summary>X-Process-Time, X-Memory-Used and X-Memory-Delta on every response, errors and 404s included.</summary>
public sealed class PerformanceHeadersTests
{
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartApi()
    {
        _factory = new ApiFactory(new Dictionary<string, string> { ["LLM_PROVIDER"] = "echo" });
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false });
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static IEnumerable<TestCaseData> Requests()
    {
        yield return new TestCaseData(HttpMethod.Post, "/question", """{"text":"hi"}""", HttpStatusCode.OK).SetName("answer");
        yield return new TestCaseData(HttpMethod.Post, "/question", """{"text":""}""", HttpStatusCode.UnprocessableEntity).SetName("validation error");
        yield return new TestCaseData(HttpMethod.Post, "/question", "{", HttpStatusCode.BadRequest).SetName("malformed JSON");
        yield return new TestCaseData(HttpMethod.Get, "/missing", null, HttpStatusCode.NotFound).SetName("404");
        yield return new TestCaseData(HttpMethod.Get, "/health", null, HttpStatusCode.OK).SetName("health");
        yield return new TestCaseData(HttpMethod.Get, "/", null, HttpStatusCode.TemporaryRedirect).SetName("redirect");
        yield return new TestCaseData(HttpMethod.Get, "/openapi.json", null, HttpStatusCode.OK).SetName("openapi document");
    }

    [TestCaseSource(nameof(Requests))]
    public async Task Every_response_carries_the_three_headers(HttpMethod method, string path, string? body, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = Problems.Json(body);
        }

        var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(status);
        Number(response, "X-Process-Time").Should().BeGreaterThanOrEqualTo(0);
        Number(response, "X-Memory-Used").Should().BeGreaterThan(1, "a .NET process uses more than a megabyte");
        _ = Number(response, "X-Memory-Delta");
        Value(response, "X-Process-Time").Should().MatchRegex(@"^\d+\.\d{6}$", "seconds with six decimals");
        Value(response, "X-Memory-Used").Should().MatchRegex(@"^\d+\.\d{2}$", "megabytes with two decimals");
        Value(response, "X-Memory-Delta").Should().MatchRegex(@"^-?\d+\.\d{2}$", "megabytes with two decimals");
    }

    private static string Value(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? values.Single() : string.Empty;

    private static double Number(HttpResponseMessage response, string header)
    {
        response.Headers.TryGetValues(header, out var values).Should().BeTrue($"{header} is on every response");
        return double.Parse(values!.Single(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
