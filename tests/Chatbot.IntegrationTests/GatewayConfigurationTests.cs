using System.Globalization;

namespace Chatbot.IntegrationTests;

/// <summary>The service as a process: the variables of cache, keys, rate limits and Redis, and what it logs of them.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class GatewayConfigurationTests
{
    private string _workingDirectory = null!;

    [SetUp]
    public void CreateWorkingDirectory() =>
        _workingDirectory = Directory.CreateTempSubdirectory("chatbot-gateway-").FullName;

    [TearDown]
    public void DeleteWorkingDirectory() => Directory.Delete(_workingDirectory, recursive: true);

    private static string[] ErrorLines(ApiProcess api) => api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [TestCase("CACHE_TTL_SECONDS", "-1")]
    [TestCase("CACHE_TTL_SECONDS", "soon")]
    [TestCase("CACHE_TTL_SECONDS", "99999999")]
    [TestCase("RATE_LIMIT_PER_MINUTE", "1.5")]
    [TestCase("RATE_LIMIT_PER_MINUTE", "-3")]
    [TestCase("REDIS_URL", "http://localhost:6379")]
    [TestCase("REDIS_URL", "redis://localhost:6379/db")]
    [TestCase("REDIS_URL", "localhost:6379,noSuchOption=1")]
    [TestCase("API_KEYS_FILE", "/no/such/keys.txt")]
    public async Task A_bad_value_stops_the_start_with_one_line_naming_the_variable(string name, string value)
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string> { [name] = value }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().NotBe(0);
        ErrorLines(api).Should().ContainSingle().Which.Should().Contain(name).And.Contain(value);
        (api.StandardOutput + api.StandardError).Should().NotContain("   at ", "a bad setting is not a crash");
    }

    [TestCase("API_KEYS", "short-secret")]
    [TestCase("API_KEYS", "good-key-0123456789, has a space-0123456789")]
    [TestCase("API_KEYS", " , ")]
    public async Task A_bad_key_stops_the_start_without_printing_any_key(string name, string value)
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string> { [name] = value }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().NotBe(0);
        var line = ErrorLines(api).Should().ContainSingle().Subject;
        line.Should().Contain(name);
        foreach (var key in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            line.Should().NotContain(key);
        }
    }

    [Test]
    public async Task A_bad_key_in_API_KEYS_FILE_is_named_by_its_line_and_not_printed()
    {
        var file = Path.Combine(_workingDirectory, "keys.txt");
        await File.WriteAllTextAsync(file, "# our clients\ngood-key-0123456789\ntoo-short\n");
        await using var api = ApiProcess.Start(new Dictionary<string, string> { ["API_KEYS_FILE"] = file }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().NotBe(0);
        ErrorLines(api).Should().ContainSingle().Which.Should().Contain("API_KEYS_FILE").And.Contain("line 3")
            .And.NotContain("too-short").And.NotContain("good-key");
    }

    [TestCase("redis://:s3cret-pass@localhost:notaport")]
    [TestCase("redis://admin:s3cret-pass@localhost:6379/x")]
    [TestCase("localhost:6379,password=s3cret-pass,noSuchOption=1")]
    public async Task A_bad_REDIS_URL_is_named_without_its_password(string value)
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string> { ["REDIS_URL"] = value }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().NotBe(0);
        ErrorLines(api).Should().ContainSingle().Which.Should().Contain("REDIS_URL").And.NotContain("s3cret-pass");
    }

    [Test]
    public async Task Client_keys_never_reach_the_log_whether_right_or_wrong()
    {
        const string right = "right-key-abcdefghijklmnop";
        const string wrong = "wrong-key-abcdefghijklmnop";
        await using var api = ApiProcess.Start(
            new Dictionary<string, string> { ["API_KEYS"] = right, ["RATE_LIMIT_PER_MINUTE"] = "2" }, _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        foreach (var key in new[] { right, wrong, right, right })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/question") { Content = JsonContent.Create(new { text = "hi" }) };
            request.Headers.Add("Authorization", "Bearer " + key);
            await client.SendAsync(request);
        }

        var log = api.StandardOutput + api.StandardError;
        log.Should().Contain("client API keys required (1 accepted)").And.Contain("rate limit 2 per minute per client, in this instance");
        log.Should().NotContain("right-key").And.NotContain("wrong-key").And.NotContain("abcdefghijklmnop");
    }

    [Test]
    public async Task A_REDIS_URL_that_no_feature_uses_opens_no_connection_and_adds_no_readiness_check()
    {
        await using var api = ApiProcess.Start(
            new Dictionary<string, string> { ["LLM_PROVIDER"] = "echo", ["REDIS_URL"] = $"redis://127.0.0.1:{RedisServer.FreePort()}" },
            _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        (await client.AskAsync("hi")).StatusCode.Should().Be(HttpStatusCode.OK);

        ready.GetProperty("status").GetString().Should().Be("Healthy");
        ready.GetProperty("checks").EnumerateObject().Select(c => c.Name).Should().Equal("routes");
        api.StandardOutput.Should().NotContain("Redis is unavailable");
    }

    [Test]
    public async Task Cache_lookups_are_counted_as_hits_and_misses_on_metrics()
    {
        await using var api = ApiProcess.Start(
            new Dictionary<string, string> { ["LLM_PROVIDER"] = "echo", ["CACHE_TTL_SECONDS"] = "60" }, _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        foreach (var text in new[] { "one", "one", "two", "one", " " })
        {
            await client.AskAsync(text);
        }

        await client.PostAsJsonAsync("/question/stream", new { text = "two" });
        var metrics = await client.GetStringAsync("/metrics");

        double Lookups(string result) => metrics.Split('\n')
            .Where(l => l.StartsWith("chatbot_cache_lookups_total{", StringComparison.Ordinal) && l.Contains($"result=\"{result}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        Lookups("hit").Should().Be(3, "one, one again and two streamed; the blank question is never looked up");
        Lookups("miss").Should().Be(2);
    }
}
