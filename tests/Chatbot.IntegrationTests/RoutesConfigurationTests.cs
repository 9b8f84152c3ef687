using Chatbot.Application.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chatbot.IntegrationTests;

/// <summary>
/// <c>LLM_ROUTES_FILE</c> with the service as its own process: each rule a file breaks stops the start with one line
/// naming the file, the route and the rule; a valid file starts, and its default route answers <c>/question</c>.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class RoutesConfigurationTests
{
    private const string KeyVariable = "ROUTES_TEST_UPSTREAM_KEY";
    private const string Key = "sk-route-key-abcdefghijkl-7890";

    private string _workingDirectory = null!;
    private string _file = null!;

    [SetUp]
    public void CreateWorkingDirectory()
    {
        _workingDirectory = Directory.CreateTempSubdirectory("chatbot-routes-").FullName;
        _file = Path.Combine(_workingDirectory, "routes.json");
    }

    [TearDown]
    public void DeleteWorkingDirectory() => Directory.Delete(_workingDirectory, recursive: true);

    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'nope', 'baseUrl': 'http://h/v1' } ] }",
        "route 'fast': provider must name a registered provider (anthropic, echo, openai), got 'nope'.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo' }, { 'model': 'fast', 'provider': 'echo' } ] }",
        "route 2: model 'fast' is route 1's already; each model names one route.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'fallbacks': ['strong'] } ] }",
        "route 'fast': fallbacks names 'strong', which is no route of the file.")]
    [TestCase("{ 'routes': [ { 'model': 'a', 'provider': 'echo', 'fallbacks': ['b'] }, { 'model': 'b', 'provider': 'echo', 'fallbacks': ['c'] }, { 'model': 'c', 'provider': 'echo', 'fallbacks': ['a'] } ] }",
        "route 'a': fallbacks must not lead back to it, but they do: a → b → c → a.")]
    [TestCase("{ 'routes': [ { 'model': 'strong', 'provider': 'openai', 'baseUrl': 'http://h/v1', 'apiKeyEnv': 'ROUTES_TEST_UNSET_KEY' } ] }",
        "route 'strong': apiKeyEnv names ROUTES_TEST_UNSET_KEY, which is not set (or is empty).")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'ftp://user:s3cret-pass@h/v1' } ] }",
        "route 'fast': baseUrl must be an absolute http:// or https:// URL without query, got 'ftp://***@h/v1'.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo' } ], ",
        "is not JSON: line 1, byte 58 of that line is where it stops being JSON.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'api_key': 'sk-in-the-file' } ] }",
        "route 'fast': unknown field 'api_key' (the fields are model, provider, baseUrl, apiKeyEnv, upstreamModel, temperature, maxTokens, systemPrompt, timeoutSeconds, maxAttempts, breakSeconds, fallbacks); a key is never in the file: apiKeyEnv names the variable that holds it.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'temperature': 2.5 } ] }",
        "route 'fast': temperature must be a number from 0 to 2, got 2.5.")]
    [TestCase("{ 'routes': [ ] }", "routes must list at least one route.")]
    [TestCase("{ 'default': 'slow', 'routes': [ { 'model': 'fast', 'provider': 'echo' } ] }",
        "default names 'slow', which is no route of the file (fast).")]
    public async Task A_file_that_breaks_a_rule_stops_the_start_with_one_line_naming_the_file_the_route_and_the_rule(string json, string rule)
    {
        await File.WriteAllTextAsync(_file, json.Replace('\'', '"'));

        await using var api = ApiProcess.Start(new Dictionary<string, string> { ["LLM_ROUTES_FILE"] = _file }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().Be(1);
        ErrorLines(api).Should().Equal($"Configuration error: LLM_ROUTES_FILE '{_file}': {rule}");
        (api.StandardOutput + api.StandardError).Should().NotContain("   at ", "a bad file is not a crash").And.NotContain("s3cret-pass").And.NotContain("sk-in-the-file");
    }

    [Test]
    public async Task A_missing_file_stops_the_start_with_one_line_naming_it()
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string> { ["LLM_ROUTES_FILE"] = _file }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().Be(1);
        ErrorLines(api).Should().Equal($"Configuration error: LLM_ROUTES_FILE must name a readable file, got '{_file}' (FileNotFoundException).");
    }

    [Test]
    public async Task A_relative_path_is_taken_from_the_working_directory()
    {
        await File.WriteAllTextAsync(_file, """{ "routes": [ { "model": "here", "provider": "echo" } ] }""");
        await using var api = ApiProcess.Start(new Dictionary<string, string> { ["LLM_ROUTES_FILE"] = "routes.json" }, _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        var health = await client.GetFromJsonAsync<JsonElement>("/health");

        health.GetProperty("model").GetString().Should().Be("here");
    }

    [Test]
    public async Task LLM_MODEL_beside_the_file_stops_the_start_with_one_line_naming_both_and_no_key()
    {
        await File.WriteAllTextAsync(_file, """{ "routes": [ { "model": "fast", "provider": "echo" } ] }""");

        await using var api = ApiProcess.Start(
            new Dictionary<string, string> { ["LLM_ROUTES_FILE"] = _file, ["LLM_MODEL"] = "gpt-4o-mini" }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().Be(1);
        ErrorLines(api).Should().Equal(
            "Configuration error: LLM_ROUTES_FILE and LLM_MODEL are both set: with a routes file each route names its provider, base URL, model and key variable.");
    }

    [Test]
    public async Task A_valid_two_route_file_starts_and_its_default_route_answers_with_its_upstream_model_and_key()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await WriteTwoRoutesAsync(fake);

        await using var api = ApiProcess.Start(
            new Dictionary<string, string>
            {
                ["LLM_ROUTES_FILE"] = _file,
                [KeyVariable] = Key,
                ["LLM_RETRY_BASE_DELAY"] = "0",
                ["LLM_RETRY_MAX_DELAY"] = "0",
            },
            _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        var answer = await client.AskAsync("hello");
        var health = await client.GetFromJsonAsync<JsonElement>("/health");

        answer.StatusCode.Should().Be(HttpStatusCode.OK);
        (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Fake answer to: hello");
        var call = fake.Received.Should().ContainSingle(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Subject;
        call.Header("Authorization").Should().Be("Bearer " + Key, "the key comes from the variable the route's apiKeyEnv names");
        call.BodyJson.GetProperty("model").GetString().Should().Be("fake-upstream");
        call.BodyJson.GetProperty("max_tokens").GetInt32().Should().Be(321);
        health.GetProperty("model").GetString().Should().Be("fake-upstream", "IOptions<LlmOptions> is the default route's");
        api.StandardOutput.Should().Contain(
            $"Routes from {_file}: fast: openai fake-upstream at {new Uri(fake.BaseUrl, "v1")}, key {KeyVariable} ****7890, then spare; spare: echo spare, no key; /question uses fast");
        (api.StandardOutput + api.StandardError).Should().NotContain(Key).And.NotContain("abcdefghijkl")
            .And.NotContain("LLM_API_KEY is not set");
    }

    [Test]
    public async Task The_host_s_route_table_holds_both_routes_complete()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await WriteTwoRoutesAsync(fake);
        await using var factory = new ApiFactory(new Dictionary<string, string>
        {
            ["LLM_ROUTES_FILE"] = _file,
            [KeyVariable] = Key,
            ["LLM_TEMPERATURE"] = "0.4",
            ["LLM_BREAKER_FAILURES"] = "3",
        });

        var table = factory.Services.GetRequiredService<IOptions<RouteTable>>().Value;

        (table.FromFile, table.FilePath, table.Default.Model).Should().Be((true, _file, "fast"));
        table.Routes.Select(r => (r.Model, r.Llm.Provider, r.Llm.Model, r.ApiKeyEnv, r.BreakerFailures))
            .Should().Equal(("fast", "openai", "fake-upstream", KeyVariable, 3), ("spare", "echo", "spare", null, 3));
        table.Default.Fallbacks.Should().Equal("spare");
        table.Default.Llm.ApiKey.Should().Be(Key);
        table.Routes.Select(r => r.Llm.Temperature).Should().AllBeEquivalentTo(0.4);
        table.Secrets.Should().Equal(Key);
        factory.Services.GetRequiredService<IOptions<LlmOptions>>().Value.Should().BeEquivalentTo(table.Default.Llm);
    }

    private Task WriteTwoRoutesAsync(FakeProviderServer fake) => File.WriteAllTextAsync(_file, $$"""
        {
          "default": "fast",
          "routes": [
            { "model": "fast", "provider": "openai", "baseUrl": "{{new Uri(fake.BaseUrl, "v1")}}", "apiKeyEnv": "{{KeyVariable}}",
              "upstreamModel": "fake-upstream", "maxTokens": 321, "fallbacks": ["spare"] },
            { "model": "spare", "provider": "echo" }
          ]
        }
        """);

    private static string[] ErrorLines(ApiProcess api) => api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
