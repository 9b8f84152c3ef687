namespace Chatbot.IntegrationTests;

/// <summary>The service as a process: variables from the environment and .env, bad values stop the start.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class ConfigurationTests
{
    private string _workingDirectory = null!;

    [SetUp]
    public void CreateWorkingDirectory() =>
        _workingDirectory = Directory.CreateTempSubdirectory("chatbot-config-").FullName;

    [TearDown]
    public void DeleteWorkingDirectory() => Directory.Delete(_workingDirectory, recursive: true);

    [TestCase("LLM_TEMPERATURE", "3")]
    [TestCase("LLM_TEMPERATURE", "warm")]
    [TestCase("REQUEST_TIMEOUT", "0")]
    [TestCase("LLM_BASE_URL", "ftp://x")]
    [TestCase("LLM_MAX_TOKENS", "0")]
    [TestCase("LLM_MAX_ATTEMPTS", "11")]
    [TestCase("LLM_PROVIDER", "no-such-provider")]
    [TestCase("LLM_BREAKER_FAILURES", "0")]
    [TestCase("LLM_BREAKER_SECONDS", "-1")]
    public async Task A_bad_value_stops_the_start_with_one_line_naming_the_variable(string name, string value)
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string> { [name] = value }, _workingDirectory);

        var exitCode = await api.WaitForExitAsync();

        exitCode.Should().NotBe(0);
        var errorLines = api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        errorLines.Should().ContainSingle().Which.Should().Contain(name).And.Contain(value);
        (api.StandardOutput + api.StandardError).Should().NotContain("   at ", "a bad setting is not a crash");
    }

    [Test]
    public async Task A_bad_value_in_dotenv_stops_the_start_too()
    {
        await File.WriteAllTextAsync(Path.Combine(_workingDirectory, ".env"), "LLM_TEMPERATURE=9\n");
        await using var api = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory);

        (await api.WaitForExitAsync()).Should().NotBe(0);
        api.StandardError.Should().Contain("LLM_TEMPERATURE");
    }

    [Test]
    public async Task Dotenv_in_the_working_directory_is_read_and_the_environment_wins()
    {
        await File.WriteAllTextAsync(Path.Combine(_workingDirectory, ".env"),
            "LLM_PROVIDER=echo\nLLM_MODEL=model-from-dotenv\nLLM_SYSTEM_PROMPT=\"Be brief.\"\n");
        await using (var fromFile = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory))
        {
            using var client = await fromFile.WaitUntilListeningAsync();
            var health = await client.GetFromJsonAsync<JsonElement>("/health");
            health.GetProperty("model").GetString().Should().Be("model-from-dotenv");
        }

        await using var fromEnvironment = ApiProcess.Start(
            new Dictionary<string, string> { ["LLM_MODEL"] = "model-from-environment" }, _workingDirectory);
        using var client2 = await fromEnvironment.WaitUntilListeningAsync();
        var health2 = await client2.GetFromJsonAsync<JsonElement>("/health");
        health2.GetProperty("model").GetString().Should().Be("model-from-environment");
    }

    [Test]
    public async Task With_nothing_set_the_echo_provider_answers_offline()
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        var response = await client.AskAsync("Is anyone there?");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Echo: Is anyone there?");
        api.StandardOutput.Should().Contain("provider echo");
    }

    [Test]
    public async Task The_start_up_log_shows_provider_model_url_and_only_the_last_four_characters_of_the_key()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        const string key = "sk-live-abcdefghijklmnop-WXYZ";
        await using var api = ApiProcess.Start(
            new Dictionary<string, string>
            {
                ["LLM_BASE_URL"] = fake.BaseUrl + "v1",
                ["LLM_API_KEY"] = key,
                ["LLM_MODEL"] = "gpt-test",
            },
            _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        var response = await client.AskAsync("hello");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "LLM_BASE_URL alone selects the openai provider");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Fake answer to: hello");
        var log = api.StandardOutput + api.StandardError;
        log.Should().Contain("provider openai").And.Contain("gpt-test").And.Contain(fake.BaseUrl + "v1").And.Contain("WXYZ");
        log.Should().NotContain(key).And.NotContain("abcdefghijklmnop");
    }

    [Test]
    public async Task Credentials_in_LLM_BASE_URL_are_used_but_neither_logged_nor_reported_by_health()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        var withCredentials = new UriBuilder(new Uri(fake.BaseUrl, "v1")) { UserName = "proxy-user", Password = "s3cret-pass" }.Uri;
        await using var api = ApiProcess.Start(
            new Dictionary<string, string> { ["LLM_BASE_URL"] = withCredentials.ToString(), ["LLM_MODEL"] = "gpt-test" },
            _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();

        var answer = await client.AskAsync("hello");
        var health = await client.GetStringAsync(new Uri("/health", UriKind.Relative));

        answer.StatusCode.Should().Be(HttpStatusCode.OK, "the provider is still asked at that URL");
        var log = api.StandardOutput + api.StandardError;
        log.Should().Contain($"base URL http://***@{fake.BaseUrl.Authority}/v1");
        log.Should().NotContain("s3cret-pass").And.NotContain("proxy-user");
        health.Should().NotContain("s3cret-pass").And.NotContain("proxy-user");
    }

    [Test]
    public async Task A_bad_LLM_BASE_URL_stops_the_start_without_showing_its_password()
    {
        await using var api = ApiProcess.Start(
            new Dictionary<string, string> { ["LLM_BASE_URL"] = "ftp://proxy-user:s3cret-pass@host/v1" }, _workingDirectory);

        (await api.WaitForExitAsync()).Should().NotBe(0);
        api.StandardError.Should().Contain("LLM_BASE_URL").And.Contain("ftp://***@host/v1");
        (api.StandardOutput + api.StandardError).Should().NotContain("s3cret-pass");
    }

    [Test]
    public async Task The_service_listens_on_port_8000_by_default()
    {
        // Whether or not port 8000 is taken on this machine, the service tries it: it listens there, or it says in one
        // line that it cannot.
        if (IsFree(8000))
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory, []);
            using var client = await api.WaitUntilListeningAsync();

            client.BaseAddress!.Port.Should().Be(8000);
            (await client.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        else
        {
            await using var api = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory, []);

            (await api.WaitForExitAsync()).Should().Be(1);
            api.StandardError.Should().Contain(":8000");
        }
    }

    [Test]
    public async Task A_port_already_in_use_stops_the_start_with_one_line_and_exit_1()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var api = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory, ["--urls", $"http://127.0.0.1:{port}"]);

        (await api.WaitForExitAsync()).Should().Be(1);
        var errorLines = api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        errorLines.Should().ContainSingle().Which.Should().StartWith("Start-up error: ").And.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .And.Contain("address already in use");
        (api.StandardOutput + api.StandardError).Should().NotContain("   at ", "a port in use is not a crash");
    }

    [Test]
    public async Task A_malformed_dotenv_line_stops_the_start_with_one_line_naming_the_file_and_line()
    {
        var path = Path.Combine(_workingDirectory, ".env");
        await File.WriteAllTextAsync(path, "LLM_MODEL=ok\nLLM_TEMPERATURE=\"0.5\nthis is not a variable\n");

        await using var api = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory);

        (await api.WaitForExitAsync()).Should().Be(1);
        var errorLines = api.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        errorLines.Should().ContainSingle().Which.Should().StartWith("Configuration error: " + path + " line 2");
        (api.StandardOutput + api.StandardError).Should().NotContain("   at ").And.NotContain("Sprache");
    }

    [Test]
    public async Task With_the_echo_provider_the_start_up_line_claims_no_base_URL()
    {
        await using var api = ApiProcess.Start(new Dictionary<string, string>(), _workingDirectory);
        using var client = await api.WaitUntilListeningAsync();
        (await client.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);

        api.StandardOutput.Should().Contain("Serving with provider echo (offline").And.NotContain("base URL").And.NotContain("api.openai.com");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
