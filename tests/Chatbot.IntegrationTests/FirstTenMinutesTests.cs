using Chatbot.Infrastructure.Configuration;

namespace Chatbot.IntegrationTests;

/// <summary>
/// The README's set-up as a new user follows it, with the service as its own process: <c>--help</c>,
/// <c>cp env.example .env</c> at the repository root, edit, then <c>dotnet run --project src/Chatbot.Api</c>, which
/// runs in the project's folder.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class FirstTenMinutesTests
{
    private string _root = null!;

    private string ProjectFolder => Path.Combine(_root, "src", "Chatbot.Api");

    [SetUp]
    public void CreateCheckout()
    {
        _root = Directory.CreateTempSubdirectory("chatbot-checkout-").FullName;
        Directory.CreateDirectory(ProjectFolder);
    }

    [TearDown]
    public void DeleteCheckout() => Directory.Delete(_root, recursive: true);

    private static string EnvExample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "env.example");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "Chatbot.sln")))
            {
                return File.ReadAllText(path);
            }
        }

        throw new InvalidOperationException("env.example was not found above " + AppContext.BaseDirectory);
    }

    private static string[] ErrorLines(ApiProcess api) => api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public async Task Help_prints_every_variable_with_its_default_and_rule_and_exits_0()
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string>(), _root, ["--help"]);

        (await api.WaitForExitAsync()).Should().Be(0);
        var help = api.StandardOutput;
        foreach (var variable in Variables.All)
        {
            help.Should().Contain("  " + variable.Name + "\n")
                .And.Contain("default: " + variable.Default.Replace("`", "", StringComparison.Ordinal))
                .And.Contain("rule:    " + variable.Rule.Replace("`", "", StringComparison.Ordinal));
        }

        help.Should().NotContain("Now listening", "--help starts no server");
    }

    [Test]
    public async Task A_dotenv_at_the_repository_root_is_read_from_the_project_folder_and_logged()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        var edited = EnvExample()
            .Replace("LLM_BASE_URL=https://api.openai.com/v1", "LLM_BASE_URL=" + fake.BaseUrl + "v1", StringComparison.Ordinal)
            .Replace("LLM_API_KEY=sk-your-openai-api-key", "LLM_API_KEY=sk-mine-0123456789", StringComparison.Ordinal);
        var dotEnv = Path.Combine(_root, ".env");
        await File.WriteAllTextAsync(dotEnv, edited);

        await using var api = ApiProcess.Start(new Dictionary<string, string>(), ProjectFolder);
        using var client = await api.WaitUntilListeningAsync();
        var response = await client.AskAsync("hello");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Fake answer to: hello");
        fake.Received.Should().ContainSingle().Which.Headers["Authorization"].Should().Be("Bearer sk-mine-0123456789");
        api.StandardOutput.Should().Contain("Settings from the environment and " + dotEnv);
    }

    [Test]
    public async Task Env_example_copied_as_is_refuses_to_send_its_placeholder_key()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(_root, ".env"), EnvExample());

        // Pointed at a provider that would answer, the placeholder still never leaves: the start stops first.
        await using var api = ApiProcess.Start(new Dictionary<string, string> { ["LLM_BASE_URL"] = fake.BaseUrl + "v1" }, ProjectFolder);

        (await api.WaitForExitAsync()).Should().Be(1);
        ErrorLines(api).Should().ContainSingle().Which.Should().StartWith("Configuration error: LLM_API_KEY is still env.example's placeholder");
        fake.Received.Should().BeEmpty();
    }

    [Test]
    public async Task The_placeholder_is_harmless_with_the_echo_provider_and_DOTENV_FILE_none_reads_no_file()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, ".env"), EnvExample());

        await using (var echo = ApiProcess.Start(new Dictionary<string, string> { ["LLM_PROVIDER"] = "echo" }, ProjectFolder))
        {
            using var client = await echo.WaitUntilListeningAsync();
            (await client.AskAsync("hi")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await using var none = ApiProcess.Start(new Dictionary<string, string> { ["DOTENV_FILE"] = "none" }, ProjectFolder);
        using var noneClient = await none.WaitUntilListeningAsync();
        (await noneClient.GetFromJsonAsync<JsonElement>("/health")).GetProperty("provider").GetString().Should().Be("echo", "no .env: nothing selects a provider");
        none.StandardOutput.Should().Contain("Settings from the environment only");
    }

    [Test]
    public async Task The_nearest_dotenv_wins_and_DOTENV_FILE_names_another()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, ".env"), "LLM_MODEL=from-root\n");
        await File.WriteAllTextAsync(Path.Combine(ProjectFolder, ".env"), "LLM_MODEL=from-project\n");
        var other = Path.Combine(_root, "staging.env");
        await File.WriteAllTextAsync(other, "LLM_MODEL=from-staging\n");

        await using (var nearest = ApiProcess.Start(new Dictionary<string, string>(), ProjectFolder))
        {
            using var client = await nearest.WaitUntilListeningAsync();
            (await client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("model").GetString().Should().Be("from-project");
        }

        await using var named = ApiProcess.Start(new Dictionary<string, string> { ["DOTENV_FILE"] = other }, ProjectFolder);
        using var namedClient = await named.WaitUntilListeningAsync();
        (await namedClient.GetFromJsonAsync<JsonElement>("/health")).GetProperty("model").GetString().Should().Be("from-staging");
    }

    [Test]
    public async Task A_DOTENV_FILE_that_does_not_exist_stops_the_start_with_one_line()
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string> { ["DOTENV_FILE"] = "/no/such/file.env" }, ProjectFolder);

        (await api.WaitForExitAsync()).Should().Be(1);
        ErrorLines(api).Should().ContainSingle().Which.Should().StartWith("Configuration error: DOTENV_FILE names '/no/such/file.env'");
    }
}
