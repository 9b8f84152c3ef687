using Chatbot.Application.Options;
using Chatbot.Infrastructure.Configuration;
using Chatbot.Infrastructure.Providers;
using Chatbot.UnitTests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chatbot.UnitTests.Infrastructure.Configuration;

/// <summary>
/// The route table as <c>AddInfrastructure</c> reads it: one route from the variables, or the routes of
/// <c>LLM_ROUTES_FILE</c>, with every rule of the file as its one failure line.
/// </summary>
public sealed class RouteTableTests
{
    private const string StrongKey = "sk-strong-secret-key-0123456789";
    private const string FastKey = "ollama-key-4321";

    /// <summary>The brief's two routes (both on the openai adapter, the one registered besides echo).</summary>
    private const string TwoRoutes = """
        {
          "default": "fast",
          "routes": [
            { "model": "fast", "provider": "openai", "baseUrl": "http://localhost:11434/v1", "apiKeyEnv": "OLLAMA_KEY",
              "upstreamModel": "llama3.2", "fallbacks": ["strong"] },
            { "model": "strong", "provider": "openai", "baseUrl": "https://api.example.com/v1", "apiKeyEnv": "STRONG_KEY",
              "upstreamModel": "big-model", "maxTokens": 1024 }
          ]
        }
        """;

    private string _directory = null!;
    private string _file = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("chatbot-routes-").FullName;
        _file = Path.Combine(_directory, "routes.json");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    // --- Without a file: today's variables are the one route ---

    [Test]
    public async Task Without_a_file_the_variables_make_the_one_route_and_LlmOptions_is_it()
    {
        await using var host = InfrastructureHost.Create(Settings(
            ("LLM_BASE_URL", "http://localhost:11434/v1"), ("LLM_MODEL", "llama3.2"), ("LLM_API_KEY", "sk-single-key-5678"),
            ("LLM_TEMPERATURE", "0.2")));

        var table = host.Services.GetRequiredService<IOptions<RouteTable>>().Value;

        table.FromFile.Should().BeFalse();
        table.FilePath.Should().BeNull();
        var route = table.Routes.Should().ContainSingle().Subject;
        table.Default.Should().BeSameAs(route);
        route.Model.Should().Be("llama3.2");
        route.Fallbacks.Should().BeEmpty();
        route.ApiKeyEnv.Should().Be("LLM_API_KEY");
        (route.BreakerFailures, route.BreakDuration).Should().Be((5, TimeSpan.FromSeconds(30)));
        route.Llm.Should().BeEquivalentTo(host.Options, "IOptions<LlmOptions> is the one route's options");
        (route.Llm.Provider, route.Llm.Model, route.Llm.Temperature).Should().Be(("openai", "llama3.2", 0.2));
        table.Secrets.Should().Equal("sk-single-key-5678");
        table.TryGet("llama3.2", out var found).Should().BeTrue();
        found.Should().BeSameAs(route);
        host.Services.GetRequiredService<RouteTable>().Should().BeSameAs(table);
    }

    [Test]
    public async Task Without_a_file_or_a_key_the_echo_route_has_no_secret()
    {
        var table = await TableAsync(Settings());

        table.Default.Model.Should().Be("gpt-4o-mini");
        table.Default.Llm.Provider.Should().Be("echo");
        table.Default.ApiKeyEnv.Should().BeNull();
        table.Secrets.Should().BeEmpty();
    }

    [Test]
    public async Task The_breaker_variables_reach_every_route()
    {
        var single = await TableAsync(Settings(("LLM_BREAKER_FAILURES", "7"), ("LLM_BREAKER_SECONDS", "12.5")));
        await File.WriteAllTextAsync(_file, TwoRoutes);
        var routed = await TableAsync(FileSettings(("LLM_BREAKER_FAILURES", "1"), ("LLM_BREAKER_SECONDS", "3600")));

        (single.Default.BreakerFailures, single.Default.BreakDuration).Should().Be((7, TimeSpan.FromSeconds(12.5)));
        routed.Routes.Select(r => (r.BreakerFailures, r.BreakDuration)).Should().AllBeEquivalentTo((1, TimeSpan.FromSeconds(3600)));
    }

    [TestCase("LLM_BREAKER_FAILURES", "0", "LLM_BREAKER_FAILURES must be a whole number from 1 to 1000, got '0'.")]
    [TestCase("LLM_BREAKER_FAILURES", "1001", "LLM_BREAKER_FAILURES must be a whole number from 1 to 1000, got '1001'.")]
    [TestCase("LLM_BREAKER_FAILURES", "five", "LLM_BREAKER_FAILURES must be a whole number from 1 to 1000, got 'five'.")]
    [TestCase("LLM_BREAKER_SECONDS", "0", "LLM_BREAKER_SECONDS must be a number greater than 0 and at most 3600, got '0'.")]
    [TestCase("LLM_BREAKER_SECONDS", "3601", "LLM_BREAKER_SECONDS must be a number greater than 0 and at most 3600, got '3601'.")]
    public async Task A_bad_breaker_variable_is_one_line_naming_it(string variable, string value, string expected)
    {
        (await FailuresAsync(Settings((variable, value)))).Should().Equal(expected);
    }

    // --- A valid file ---

    [Test]
    public async Task A_two_route_file_gives_two_complete_routes()
    {
        await File.WriteAllTextAsync(_file, TwoRoutes);

        var table = await TableAsync(FileSettings(("LLM_TEMPERATURE", "0.3"), ("LLM_MAX_RESPONSE_KB", "16")));

        table.FromFile.Should().BeTrue();
        table.FilePath.Should().Be(_file);
        table.Routes.Select(r => r.Model).Should().Equal("fast", "strong");
        table.Default.Model.Should().Be("fast");

        table.TryGet("fast", out var fast).Should().BeTrue();
        fast!.ApiKeyEnv.Should().Be("OLLAMA_KEY");
        fast.Fallbacks.Should().Equal("strong");
        fast.Llm.Should().BeEquivalentTo(new LlmOptions
        {
            Provider = "openai",
            BaseUrl = new Uri("http://localhost:11434/v1"),
            Model = "llama3.2",
            ApiKey = FastKey,
            Temperature = 0.3,
            MaxResponseBytes = 16 * 1024,
        });

        table.TryGet("strong", out var strong).Should().BeTrue();
        (strong!.ApiKeyEnv, strong.Llm.ApiKey, strong.Llm.Model, strong.Llm.MaxTokens).Should().Be(("STRONG_KEY", StrongKey, "big-model", 1024));
        strong.Llm.BaseUrl.Should().Be(new Uri("https://api.example.com/v1"));
        strong.Fallbacks.Should().BeEmpty();

        table.Secrets.Should().Equal([StrongKey, FastKey], "every route's key, the longest first");
    }

    [Test]
    public async Task Model_names_are_matched_exactly()
    {
        await File.WriteAllTextAsync(_file, TwoRoutes);
        var table = await TableAsync(FileSettings());

        table.TryGet("Fast", out _).Should().BeFalse();
        table.TryGet("llama3.2", out _).Should().BeFalse("clients ask for the route's model, not the upstream one");
        table.TryGet("gpt-4o-mini", out _).Should().BeFalse();
    }

    [Test]
    public async Task With_a_file_IOptions_LlmOptions_is_the_default_route_s_options()
    {
        await File.WriteAllTextAsync(_file, TwoRoutes.Replace("\"default\": \"fast\"", "\"default\": \"strong\"", StringComparison.Ordinal));
        await using var host = InfrastructureHost.Create(FileSettings());

        var table = host.Services.GetRequiredService<IOptions<RouteTable>>().Value;

        table.Default.Model.Should().Be("strong");
        host.Options.Should().BeEquivalentTo(table.Default.Llm);
        host.Options.Model.Should().Be("big-model");
    }

    [Test]
    public async Task The_variables_are_every_route_s_defaults_and_a_route_s_fields_override_them()
    {
        await File.WriteAllTextAsync(_file, J("""
            { 'routes': [
              { 'model': 'plain', 'provider': 'echo' },
              { 'model': 'tuned', 'provider': 'echo', 'temperature': 1.5, 'maxTokens': 99, 'systemPrompt': '',
                'timeoutSeconds': 2.5, 'maxAttempts': 1, 'breakSeconds': 7 } ] }
            """));

        var table = await TableAsync(FileSettings(
            ("LLM_TEMPERATURE", "0.1"), ("LLM_MAX_TOKENS", "500"), ("LLM_SYSTEM_PROMPT", "Be brief."), ("REQUEST_TIMEOUT", "12"),
            ("LLM_MAX_ATTEMPTS", "4"), ("LLM_RETRY_BASE_DELAY", "0.5"), ("LLM_RETRY_MAX_DELAY", "2"), ("LLM_MAX_RESPONSE_KB", "8"),
            ("LLM_BREAKER_SECONDS", "40")));

        var plain = table.Routes[0];
        (plain.Llm.Temperature, plain.Llm.MaxTokens, plain.Llm.SystemPrompt, plain.Llm.RequestTimeout, plain.Llm.MaxAttempts, plain.BreakDuration)
            .Should().Be((0.1, 500, "Be brief.", TimeSpan.FromSeconds(12), 4, TimeSpan.FromSeconds(40)));
        var tuned = table.Routes[1];
        (tuned.Llm.Temperature, tuned.Llm.MaxTokens, tuned.Llm.SystemPrompt, tuned.Llm.RequestTimeout, tuned.Llm.MaxAttempts, tuned.BreakDuration)
            .Should().Be((1.5, 99, (string?)null, TimeSpan.FromSeconds(2.5), 1, TimeSpan.FromSeconds(7)));
        foreach (var route in table.Routes)
        {
            (route.Llm.RetryBaseDelay, route.Llm.RetryMaxDelay, route.Llm.MaxResponseBytes)
                .Should().Be((TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2), 8 * 1024L));
        }
    }

    [Test]
    public async Task Without_default_the_first_route_is_the_default_and_the_upstream_model_is_the_route_s()
    {
        await File.WriteAllTextAsync(_file, J("""
            { 'routes': [ { 'model': 'local', 'provider': 'openai', 'baseUrl': 'http://127.0.0.1:8080/v1' },
                          { 'model': 'echo', 'provider': 'echo' } ] }
            """));

        var table = await TableAsync(FileSettings());

        table.Default.Model.Should().Be("local");
        table.Default.Llm.Model.Should().Be("local");
        (table.Default.ApiKeyEnv, table.Default.Llm.ApiKey).Should().Be(((string?)null, (string?)null), "a route without apiKeyEnv is keyless");
        table.Secrets.Should().BeEmpty();
    }

    [Test]
    public async Task Fallbacks_may_share_a_route_without_a_cycle()
    {
        await File.WriteAllTextAsync(_file, J("""
            { 'routes': [ { 'model': 'a', 'provider': 'echo', 'fallbacks': ['b', 'c'] },
                          { 'model': 'b', 'provider': 'echo', 'fallbacks': ['c'] },
                          { 'model': 'c', 'provider': 'echo' } ] }
            """));

        var table = await TableAsync(FileSettings());

        table.Routes[0].Fallbacks.Should().Equal("b", "c");
        table.Routes[1].Fallbacks.Should().Equal("c");
        table.Routes[2].Fallbacks.Should().BeEmpty();
    }

    [Test]
    public void A_provider_is_valid_once_its_adapter_is_registered_not_before()
    {
        File.WriteAllText(_file, J("{ 'routes': [ { 'model': 'strong', 'provider': 'Anthropic', 'baseUrl': 'https://api.anthropic.com' } ] }"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(FileSettings()).Build();
        var catalog = new ProviderCatalog();
        catalog.Add("echo", (_, _, _) => throw new NotSupportedException());

        var before = () => RouteTableReader.Read(configuration, catalog);

        before.Should().Throw<OptionsValidationException>().Which.Failures.Should().Equal(
            $"LLM_ROUTES_FILE '{_file}': route 'strong': provider must name a registered provider (echo), got 'anthropic'.");
        catalog.Add("anthropic", (_, _, _) => throw new NotSupportedException());
        RouteTableReader.Read(configuration, catalog).Default.Llm.Provider.Should().Be("anthropic");
    }

    [Test]
    public void The_example_in_deploy_is_a_valid_routes_file_once_its_providers_are_registered()
    {
        var example = Path.Combine(RepositoryRoot(), "deploy", "routes.example.json");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(
            ("LLM_ROUTES_FILE", example), ("ANTHROPIC_API_KEY", "sk-ant-example-0123456789"))).Build();
        var catalog = new ProviderCatalog();
        catalog.Add("echo", (_, _, _) => throw new NotSupportedException());
        catalog.Add("openai", (_, _, _) => throw new NotSupportedException());
        catalog.Add("anthropic", (_, _, _) => throw new NotSupportedException());

        var table = RouteTableReader.Read(configuration, catalog);

        table.Routes.Select(r => (r.Model, r.Llm.Provider, r.ApiKeyEnv))
            .Should().Equal(("fast", "openai", null), ("strong", "anthropic", "ANTHROPIC_API_KEY"));
        table.Default.Fallbacks.Should().Equal("strong");
    }

    // --- Every rule of the file: one line naming the file, the route and the rule ---

    private const string Fast = "{ 'model': 'fast', 'provider': 'openai', 'baseUrl': 'http://h/v1' }";

    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'nope', 'baseUrl': 'http://h/v1' } ] }",
        "route 'fast': provider must name a registered provider (anthropic, echo, openai), got 'nope'.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'baseUrl': 'http://h/v1' } ] }",
        "route 'fast': provider is missing; it must name a registered provider (anthropic, echo, openai).")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 7, 'baseUrl': 'http://h/v1' } ] }",
        "route 'fast': provider must name a registered provider (anthropic, echo, openai), got a number.")]
    [TestCase("{ 'routes': [ " + Fast + ", { 'model': 'slow', 'provider': 'echo' }, " + Fast + " ] }",
        "route 3: model 'fast' is route 1's already; each model names one route.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'fallbacks': ['slow'] } ] }",
        "route 'fast': fallbacks names 'slow', which is no route of the file.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'fallbacks': ['fast'] } ] }",
        "route 'fast': fallbacks must not lead back to it, but they do: fast → fast.")]
    [TestCase("{ 'routes': [ { 'model': 'a', 'provider': 'echo', 'fallbacks': ['b'] }, { 'model': 'b', 'provider': 'echo', 'fallbacks': ['a'] } ] }",
        "route 'a': fallbacks must not lead back to it, but they do: a → b → a.")]
    [TestCase("{ 'routes': [ { 'model': 'x', 'provider': 'echo', 'fallbacks': ['a'] }, { 'model': 'a', 'provider': 'echo', 'fallbacks': ['b'] }, { 'model': 'b', 'provider': 'echo', 'fallbacks': ['x'] }, { 'model': 'c', 'provider': 'echo', 'fallbacks': ['a'] } ] }",
        "route 'x': fallbacks must not lead back to it, but they do: x → a → b → x.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'fallbacks': 'slow' } ] }",
        "route 'fast': fallbacks must be an array of route models, got a string.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'fallbacks': [1] } ] }",
        "route 'fast': fallbacks must list route models, got a number.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'fallbacks': ['slow', 'slow'] }, { 'model': 'slow', 'provider': 'echo' } ] }",
        "route 'fast': fallbacks names 'slow' twice.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'http://h/v1', 'apiKeyEnv': 'NOT_SET_KEY' } ] }",
        "route 'fast': apiKeyEnv names NOT_SET_KEY, which is not set (or is empty).")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'http://h/v1', 'apiKeyEnv': 'EMPTY_KEY' } ] }",
        "route 'fast': apiKeyEnv names EMPTY_KEY, which is not set (or is empty).")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'http://h/v1', 'apiKeyEnv': 'LLM_API_KEY' } ] }",
        "route 'fast': apiKeyEnv must name a variable of your own, not the service's LLM_API_KEY.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'http://h/v1', 'apiKeyEnv': 'PLACEHOLDER_KEY' } ] }",
        "route 'fast': PLACEHOLDER_KEY (its apiKeyEnv) is still env.example's placeholder 'sk-your-openai-api-key': set your provider's key.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'ftp://h/v1' } ] }",
        "route 'fast': baseUrl must be an absolute http:// or https:// URL without query, got 'ftp://h/v1'.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'http://h/v1?key=1' } ] }",
        "route 'fast': baseUrl must be an absolute http:// or https:// URL without query, got 'http://h/v1?key=1'.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'localhost:11434/v1' } ] }",
        "route 'fast': baseUrl must be an absolute http:// or https:// URL without query, got 'localhost:11434/v1'.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 'ftp://user:s3cret@h/v1' } ] }",
        "route 'fast': baseUrl must be an absolute http:// or https:// URL without query, got 'ftp://***@h/v1'.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai' } ] }",
        "route 'fast': baseUrl is missing; every route but an echo one names its provider's URL.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': null } ] }",
        "route 'fast': baseUrl is missing; every route but an echo one names its provider's URL.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'openai', 'baseUrl': 5 } ] }",
        "route 'fast': baseUrl must be a string, got a number.")]
    [TestCase("[ " + Fast + " ]",
        "must be a JSON object with \"routes\" and, optionally, \"default\"; got an array.")]
    [TestCase("{ }", "has no \"routes\": it must list at least one route.")]
    [TestCase("{ 'routes': { 'fast': {} } }", "routes must be an array of routes, got an object.")]
    [TestCase("{ 'routes': [ ] }", "routes must list at least one route.")]
    [TestCase("{ 'routes': [ 'fast' ] }", "route 1 must be an object, got a string.")]
    [TestCase("{ 'routes': [ { 'provider': 'echo' } ] }", "route 1: model is missing; it is the name clients ask for.")]
    [TestCase("{ 'routes': [ { 'model': ' ', 'provider': 'echo' } ] }", "route 1: model must be a non-empty string, got an empty string.")]
    [TestCase("{ 'routes': [ " + Fast + " ], 'defaults': 'fast' }",
        "unknown field 'defaults' at the top (the fields are default, routes).")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'BaseUrl': 'http://h/v1' } ] }",
        "route 'fast': unknown field 'BaseUrl' (the fields are model, provider, baseUrl, apiKeyEnv, upstreamModel, temperature, maxTokens, systemPrompt, timeoutSeconds, maxAttempts, breakSeconds, fallbacks).")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'apiKey': 'sk-in-the-file-0123456789' } ] }",
        "route 'fast': unknown field 'apiKey' (the fields are model, provider, baseUrl, apiKeyEnv, upstreamModel, temperature, maxTokens, systemPrompt, timeoutSeconds, maxAttempts, breakSeconds, fallbacks); a key is never in the file: apiKeyEnv names the variable that holds it.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'provider': 'openai' } ] }",
        "route 'fast': field 'provider' is there twice.")]
    [TestCase("{ 'routes': [ " + Fast + " ], 'routes': [ ] }", "field 'routes' is there twice at the top.")]
    [TestCase("{ 'default': 'slow', 'routes': [ " + Fast + " ] }", "default names 'slow', which is no route of the file (fast).")]
    [TestCase("{ 'default': 1, 'routes': [ " + Fast + " ] }", "default must be the model of one of its routes, got a number.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'temperature': 3 } ] }",
        "route 'fast': temperature must be a number from 0 to 2, got 3.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'temperature': '0.5' } ] }",
        "route 'fast': temperature must be a number from 0 to 2, got a string.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'maxTokens': 0 } ] }",
        "route 'fast': maxTokens must be a whole number from 1 to 100000, got 0.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'maxTokens': 1.5 } ] }",
        "route 'fast': maxTokens must be a whole number from 1 to 100000, got 1.5.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'maxTokens': 100001 } ] }",
        "route 'fast': maxTokens must be a whole number from 1 to 100000, got 100001.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'timeoutSeconds': 0 } ] }",
        "route 'fast': timeoutSeconds must be a number greater than 0 and at most 300, got 0.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'timeoutSeconds': 301 } ] }",
        "route 'fast': timeoutSeconds must be a number greater than 0 and at most 300, got 301.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'maxAttempts': 11 } ] }",
        "route 'fast': maxAttempts must be a whole number from 1 to 10, got 11.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'maxAttempts': 0 } ] }",
        "route 'fast': maxAttempts must be a whole number from 1 to 10, got 0.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'breakSeconds': 0 } ] }",
        "route 'fast': breakSeconds must be a number greater than 0 and at most 3600, got 0.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'breakSeconds': 1e9 } ] }",
        "route 'fast': breakSeconds must be a number greater than 0 and at most 3600, got 1e9.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'systemPrompt': 42 } ] }",
        "route 'fast': systemPrompt must be a string, got a number.")]
    [TestCase("{ 'routes': [ { 'model': 'fast', 'provider': 'echo', 'upstreamModel': '' } ] }",
        "route 'fast': upstreamModel must be a non-empty string (or absent: the route's model), got an empty string.")]
    public async Task A_file_that_breaks_a_rule_is_one_line_naming_the_file_the_route_and_the_rule(string json, string rule)
    {
        await File.WriteAllTextAsync(_file, J(json));

        var failures = await FailuresAsync(FileSettings(("EMPTY_KEY", ""), ("PLACEHOLDER_KEY", "sk-your-openai-api-key")));

        failures.Should().Equal($"LLM_ROUTES_FILE '{_file}': {rule}");
    }

    [Test]
    public async Task A_system_prompt_over_4096_characters_is_refused()
    {
        await File.WriteAllTextAsync(_file, J($"{{ 'routes': [ {{ 'model': 'fast', 'provider': 'echo', 'systemPrompt': '{new string('p', 4097)}' }} ] }}"));

        (await FailuresAsync(FileSettings())).Should().Equal(
            $"LLM_ROUTES_FILE '{_file}': route 'fast': systemPrompt must be at most 4096 characters, got 4097.");
    }

    [Test]
    public async Task Every_broken_rule_is_reported_at_once()
    {
        await File.WriteAllTextAsync(_file, J("""
            { 'default': 'none', 'routes': [
              { 'model': 'a', 'provider': 'nope', 'fallbacks': ['b'] },
              { 'model': 'b', 'provider': 'echo', 'temperature': 9, 'fallbacks': ['a'] } ] }
            """));

        var failures = await FailuresAsync(FileSettings(("LLM_MAX_ATTEMPTS", "0")));

        failures.Should().BeEquivalentTo(
            "LLM_MAX_ATTEMPTS must be a whole number from 1 to 10, got '0'.",
            $"LLM_ROUTES_FILE '{_file}': route 'a': provider must name a registered provider (anthropic, echo, openai), got 'nope'.",
            $"LLM_ROUTES_FILE '{_file}': route 'b': temperature must be a number from 0 to 2, got 9.",
            $"LLM_ROUTES_FILE '{_file}': default names 'none', which is no route of the file (a, b).",
            $"LLM_ROUTES_FILE '{_file}': route 'a': fallbacks must not lead back to it, but they do: a → b → a.");
    }

    [Test]
    public async Task Two_separate_cycles_are_two_lines()
    {
        await File.WriteAllTextAsync(_file, J("""
            { 'routes': [
              { 'model': 'a', 'provider': 'echo', 'fallbacks': ['b'] }, { 'model': 'b', 'provider': 'echo', 'fallbacks': ['a'] },
              { 'model': 'c', 'provider': 'echo', 'fallbacks': ['c'] } ] }
            """));

        (await FailuresAsync(FileSettings())).Should().Equal(
            $"LLM_ROUTES_FILE '{_file}': route 'a': fallbacks must not lead back to it, but they do: a → b → a.",
            $"LLM_ROUTES_FILE '{_file}': route 'c': fallbacks must not lead back to it, but they do: c → c.");
    }

    [TestCase("LLM_PROVIDER", "openai")]
    [TestCase("LLM_BASE_URL", "http://localhost:11434/v1")]
    [TestCase("LLM_MODEL", "gpt-4o-mini")]
    [TestCase("LLM_API_KEY", "sk-beside-the-file-0123456789")]
    public async Task A_single_provider_variable_beside_the_file_is_one_line_naming_both(string variable, string value)
    {
        await File.WriteAllTextAsync(_file, TwoRoutes);

        var failures = await FailuresAsync(FileSettings((variable, value)));

        failures.Should().Equal(
            $"LLM_ROUTES_FILE and {variable} are both set: with a routes file each route names its provider, base URL, model and key variable.");
    }

    [Test]
    public async Task Single_provider_variables_left_empty_beside_the_file_are_not_set()
    {
        await File.WriteAllTextAsync(_file, TwoRoutes);

        var table = await TableAsync(FileSettings(("LLM_PROVIDER", ""), ("LLM_BASE_URL", ""), ("LLM_MODEL", " "), ("LLM_API_KEY", "")));

        table.Routes.Should().HaveCount(2);
    }

    [Test]
    public async Task A_bad_default_variable_beside_the_file_is_named_as_without_one()
    {
        await File.WriteAllTextAsync(_file, TwoRoutes);

        (await FailuresAsync(FileSettings(("LLM_TEMPERATURE", "9")))).Should().Equal("LLM_TEMPERATURE must be a number from 0 to 2, got '9'.");
    }

    [Test]
    public async Task A_missing_file_is_one_line_naming_it()
    {
        (await FailuresAsync(FileSettings())).Should().Equal($"LLM_ROUTES_FILE must name a readable file, got '{_file}' (FileNotFoundException).");
    }

    [Test]
    public async Task A_directory_is_not_a_readable_file()
    {
        var failures = await FailuresAsync(Settings(("LLM_ROUTES_FILE", _directory)));

        failures.Should().ContainSingle().Which.Should().StartWith($"LLM_ROUTES_FILE must name a readable file, got '{_directory}' (");
    }

    [TestCase("", "is empty; it must be a JSON object with \"routes\".")]
    [TestCase("{\n  \"routes\": [,]\n}", "is not JSON: line 2, byte 14 of that line is where it stops being JSON.")]
    [TestCase("routes: []", "is not JSON: line 1, byte 1 of that line is where it stops being JSON.")]
    public async Task A_file_that_is_not_JSON_is_one_line_saying_where(string text, string rule)
    {
        await File.WriteAllTextAsync(_file, text);

        (await FailuresAsync(FileSettings())).Should().Equal($"LLM_ROUTES_FILE '{_file}': {rule}");
    }

    [Test]
    public async Task No_failure_line_shows_a_key()
    {
        const string pasted = "sk-ant-pasted-key-0123456789";
        await File.WriteAllTextAsync(_file, J($$"""
            { 'routes': [
              { 'model': 'a', 'provider': 'openai', 'baseUrl': 'http://h/v1', 'apiKeyEnv': '{{pasted}}' },
              { 'model': 'b', 'provider': 'openai', 'baseUrl': 'http://h/v1', 'apiKeyEnv': 'GSK_LOOKS_LIKE_A_NAME', 'temperature': 5 },
              { 'model': 'c', 'provider': 'openai', 'baseUrl': 'http://user:s3cret-pass@h/v1?q=1', 'apiKeyEnv': 'STRONG_KEY' } ] }
            """));

        var failures = await FailuresAsync(FileSettings(("LLM_API_KEY", "sk-beside-0123456789")));

        failures.Should().HaveCount(5);
        string.Join("\n", failures).Should().NotContain(pasted).And.NotContain("pasted-key").And.NotContain(StrongKey)
            .And.NotContain("s3cret-pass").And.NotContain("sk-beside").And.NotContain(FastKey);
    }

    [Test]
    public void CopyTo_copies_every_property_of_LlmOptions()
    {
        // Guards LlmOptionsSetup: IOptions<LlmOptions> is a copy of the default route's, so a property CopyTo forgot
        // would silently keep its default there.
        var source = new LlmOptions();
        foreach (var property in typeof(LlmOptions).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(source, property.PropertyType switch
            {
                var t when t == typeof(string) => "value-of-" + property.Name,
                var t when t == typeof(Uri) => new Uri("http://copied.example/" + property.Name),
                var t when t == typeof(double) => 1.25,
                var t when t == typeof(int) || t == typeof(int?) => 7,
                var t when t == typeof(long) => 77L,
                var t when t == typeof(TimeSpan) => TimeSpan.FromSeconds(77),
                var t => throw new AssertionException($"Give this test a non-default value of {t} for LlmOptions.{property.Name}."),
            });
        }

        var target = new LlmOptions();
        source.CopyTo(target);

        target.Should().BeEquivalentTo(source);
        source.Clone().Should().BeEquivalentTo(source).And.NotBeSameAs(source);
    }

    // In-memory settings, as a test sets them; the key variables are the operator's own names.
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["OLLAMA_KEY"] = FastKey, ["STRONG_KEY"] = StrongKey };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    private Dictionary<string, string?> FileSettings(params (string Key, string? Value)[] settings) =>
        Settings([("LLM_ROUTES_FILE", _file), .. settings]);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chatbot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Chatbot.sln was not found above " + AppContext.BaseDirectory);
    }

    // JSON written with single quotes, so that the cases read without escapes.
    private static string J(string json) => json.Replace('\'', '"');

    private static async Task<RouteTable> TableAsync(Dictionary<string, string?> settings)
    {
        await using var host = InfrastructureHost.Create(settings);
        return host.Services.GetRequiredService<IOptions<RouteTable>>().Value;
    }

    private static async Task<IReadOnlyList<string>> FailuresAsync(Dictionary<string, string?> settings)
    {
        var act = async () => await TableAsync(settings);
        var failure = (await act.Should().ThrowAsync<OptionsValidationException>()).Which;
        failure.OptionsType.Should().Be<RouteTable>();
        return failure.Failures.ToList();
    }
}
