using System.Net.Http.Json;

namespace Chatbot.DeploymentTests;

/// <summary>deploy/nginx/nginx.conf run by nginx in front of two API processes (echo provider, told apart by model).</summary>
public sealed class NginxProxyTests
{
    private static readonly string[] SecurityHeaders = ["X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"];
    private ApiProcess _a = null!;
    private ApiProcess _b = null!;
    private NginxProcess _nginx = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        NginxProcess.RequireInstalled();
        (_a, _b) = await EchoApis.GetAsync();
        _nginx = await NginxProcess.StartAsync(_a.BaseAddress.Authority, _b.BaseAddress.Authority);
        _client = _nginx.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client?.Dispose();
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }
    }

    [Test]
    public async Task Requests_through_the_proxy_are_answered_by_both_API_instances()
    {
        var models = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var health = await _client.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative));
            models.Add(health.GetProperty("model").GetString()!);
        }

        models.Should().Contain(EchoApis.ModelA).And.Contain(EchoApis.ModelB);

        var questionsBefore = (_a.CountLines("POST /question 200"), _b.CountLines("POST /question 200"));
        for (var i = 0; i < 6; i++)
        {
            using var response = await _client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = $"question {i}" });
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be($"Echo: question {i}");
        }

        // Each instance logs one line per request: both answered questions.
        await WaitUntilAsync(() => _a.CountLines("POST /question 200") > questionsBefore.Item1 && _b.CountLines("POST /question 200") > questionsBefore.Item2);
        _a.CountLines("POST /question 200").Should().BeGreaterThan(questionsBefore.Item1, _a.Output);
        _b.CountLines("POST /question 200").Should().BeGreaterThan(questionsBefore.Item2, _b.Output);
    }

    [Test]
    public async Task Security_headers_are_on_answers_and_errors_and_nginx_hides_its_version()
    {
        using var ok = await _client.GetAsync(new Uri("/health", UriKind.Relative));
        using var notFound = await _client.GetAsync(new Uri("/no-such-path", UriKind.Relative));

        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        notFound.StatusCode.Should().Be(HttpStatusCode.NotFound);
        foreach (var response in new[] { ok, notFound })
        {
            foreach (var header in SecurityHeaders)
            {
                response.Headers.Contains(header).Should().BeTrue($"{header} on a {(int)response.StatusCode}");
            }

            response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
            response.Headers.Server.ToString().Should().Be("nginx", "server_tokens off: no version");
            response.Headers.Contains("Retry-After").Should().BeFalse("only nginx's own 429 carries it");
        }

        ok.Headers.Contains("X-Process-Time").Should().BeTrue("the API's own headers pass through");
    }

    [Test]
    public async Task The_API_s_own_problem_details_pass_through_untouched()
    {
        using var response = await _client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "" });

        response.StatusCode.Should().Be((HttpStatusCode)422);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty("text", out _).Should().BeTrue("this is the API's validation problem, not an nginx page");
    }

    [Test]
    public async Task Metrics_stay_off_the_public_side_of_the_proxy()
    {
        using var direct = _a.CreateClient();
        using var scraped = await direct.GetAsync(new Uri("/metrics", UriKind.Relative));
        scraped.StatusCode.Should().Be(HttpStatusCode.OK, "Prometheus scrapes each instance directly");

        using var proxied = await _client.GetAsync(new Uri("/metrics", UriKind.Relative));
        proxied.StatusCode.Should().Be(HttpStatusCode.NotFound);
        proxied.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await proxied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32().Should().Be(404);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // The request log line is written as the response completes: give it a moment, bounded.
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }
}
