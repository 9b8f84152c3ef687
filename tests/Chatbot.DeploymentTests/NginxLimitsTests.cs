using System.Net.Http.Json;

namespace Chatbot.DeploymentTests;

/// <summary>The rate limit and nginx's own error pages, each test on an nginx of its own (a fresh rate-limit zone).</summary>
public sealed class NginxLimitsTests
{
    private ApiProcess _a = null!;
    private ApiProcess _b = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        NginxProcess.RequireInstalled();
        (_a, _b) = await EchoApis.GetAsync();
    }

    [Test]
    public async Task Past_the_burst_of_20_one_client_gets_429_problem_details_while_health_stays_open()
    {
        await using var nginx = await NginxProcess.StartAsync(_a.BaseAddress.Authority, _b.BaseAddress.Authority);
        using var client = nginx.CreateClient();

        // Questions one after the other, as fast as they are answered, until nginx refuses one (bounded).
        var answered = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 300 && refused is null; i++)
        {
            var response = await client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "hi" });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                answered++;
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        using (refused)
        {
            refused.Should().NotBeNull("300 questions back to back exceed 10 per second");
            refused!.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            answered.Should().BeGreaterThanOrEqualTo(21, "the first request and a burst of 20 pass at once");
            refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("status").GetInt32().Should().Be(429);
            problem.GetProperty("detail").GetString().Should().Be("Rate limit exceeded, please try again later");
            problem.GetProperty("traceId").GetString().Should().MatchRegex("^[0-9a-f]{32}$");
            refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
            refused.Headers.Contains("X-Content-Type-Options").Should().BeTrue("security headers are on nginx's own errors too");
        }

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        health.StatusCode.Should().Be(HttpStatusCode.OK, "health checks are not rate limited");
        nginx.Output.Should().Contain("limiting requests", "nginx logs what it refused");
    }

    [Test]
    public async Task With_no_API_instance_reachable_nginx_answers_502_problem_details()
    {
        var closed = $"127.0.0.1:{FreePort.Next()}";
        await using var nginx = await NginxProcess.StartAsync(closed, closed);
        using var client = nginx.CreateClient();

        using var response = await client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "hi" });

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(502);
        problem.GetProperty("title").GetString().Should().Be("Bad Gateway");
        response.Headers.Contains("X-Frame-Options").Should().BeTrue();
    }

    [Test]
    public async Task With_one_instance_down_the_other_answers_every_request()
    {
        var closed = $"127.0.0.1:{FreePort.Next()}";
        await using var nginx = await NginxProcess.StartAsync(closed, _a.BaseAddress.Authority);
        using var client = nginx.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            using var question = await client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "still there?" });
            question.StatusCode.Should().Be(HttpStatusCode.OK, "a refused connection is retried on the next instance (the question was never sent)");
            var health = await client.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative));
            health.GetProperty("model").GetString().Should().Be(EchoApis.ModelA);
        }
    }
}
