using System.Globalization;

namespace Chatbot.IntegrationTests;

/// <summary>The service as a process: the variables of the cache and Redis, and what it logs of them.</summary>
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
    [TestCase("REDIS_URL", "http://localhost:6379")]
    [TestCase("REDIS_URL", "redis://localhost:6379/db")]
    [TestCase("REDIS_URL", "localhost:6379,noSuchOption=1")]
    public async Task A_bad_value_stops_the_start_with_one_line_naming_the_variable(string name, string value)
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string> { [name] = value }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().NotBe(0);
        ErrorLines(api).Should().ContainSingle().Which.Should().Contain(name).And.Contain(value);
        (api.StandardOutput + api.StandardError).Should().NotContain("   at ", "a bad setting is not a crash");
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
