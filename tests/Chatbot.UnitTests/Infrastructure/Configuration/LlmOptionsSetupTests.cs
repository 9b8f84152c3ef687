using Chatbot.Application.Options;
using Chatbot.Infrastructure.Configuration;
using Chatbot.UnitTests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Chatbot.UnitTests.Infrastructure.Configuration;

/// <summary>The configuration table of DESIGN.md, read through the real path: AddInfrastructure + IOptions.</summary>
public sealed class LlmOptionsSetupTests
{
    [Test]
    public async Task Without_any_variable_the_defaults_of_the_table_apply_and_the_echo_provider_serves()
    {
        var options = await ResolveAsync();

        options.Provider.Should().Be("echo");
        options.BaseUrl.Should().Be(new Uri("https://api.openai.com/v1"));
        options.Model.Should().Be("gpt-4o-mini");
        options.ApiKey.Should().BeNull();
        options.SystemPrompt.Should().BeNull();
        options.Temperature.Should().Be(0.7);
        options.MaxTokens.Should().BeNull();
        options.RequestTimeout.Should().Be(TimeSpan.FromSeconds(30));
        options.MaxAttempts.Should().Be(3);
        options.RetryBaseDelay.Should().Be(TimeSpan.FromSeconds(1));
        options.RetryMaxDelay.Should().Be(TimeSpan.FromSeconds(8));
    }

    [Test]
    public async Task Setting_only_LLM_BASE_URL_selects_openai()
    {
        var options = await ResolveAsync(("LLM_BASE_URL", "http://localhost:11434/v1"));

        options.Provider.Should().Be("openai");
        options.BaseUrl.Should().Be(new Uri("http://localhost:11434/v1"));
    }

    [Test]
    public async Task Setting_only_LLM_API_KEY_selects_openai()
    {
        var options = await ResolveAsync(("LLM_API_KEY", "sk-123456789"));

        options.Provider.Should().Be("openai");
        options.ApiKey.Should().Be("sk-123456789");
    }

    [Test]
    public async Task An_explicit_LLM_PROVIDER_wins_over_the_default_and_is_case_insensitive()
    {
        (await ResolveAsync(("LLM_API_KEY", "sk-123456789"), ("LLM_PROVIDER", "echo"))).Provider.Should().Be("echo");
        (await ResolveAsync(("LLM_PROVIDER", " OpenAI "))).Provider.Should().Be("openai");
    }

    [Test]
    public async Task Variables_are_read_into_the_options()
    {
        var options = await ResolveAsync(
            ("LLM_MODEL", "llama3.1"),
            ("LLM_SYSTEM_PROMPT", "Be brief."),
            ("LLM_TEMPERATURE", "1.25"),
            ("LLM_MAX_TOKENS", "512"),
            ("REQUEST_TIMEOUT", "12.5"),
            ("LLM_MAX_ATTEMPTS", "5"),
            ("LLM_RETRY_BASE_DELAY", "0.5"),
            ("LLM_RETRY_MAX_DELAY", "4"));

        options.Model.Should().Be("llama3.1");
        options.SystemPrompt.Should().Be("Be brief.");
        options.Temperature.Should().Be(1.25);
        options.MaxTokens.Should().Be(512);
        options.RequestTimeout.Should().Be(TimeSpan.FromSeconds(12.5));
        options.MaxAttempts.Should().Be(5);
        options.RetryBaseDelay.Should().Be(TimeSpan.FromSeconds(0.5));
        options.RetryMaxDelay.Should().Be(TimeSpan.FromSeconds(4));
    }

    [TestCase("LLM_TEMPERATURE", "3")]
    [TestCase("LLM_TEMPERATURE", "-0.1")]
    [TestCase("LLM_TEMPERATURE", "abc")]
    [TestCase("LLM_TEMPERATURE", "2.0001")]
    [TestCase("LLM_TEMPERATURE", "NaN")]
    [TestCase("LLM_TEMPERATURE", "0,5")]
    [TestCase("REQUEST_TIMEOUT", "0")]
    [TestCase("REQUEST_TIMEOUT", "-1")]
    [TestCase("REQUEST_TIMEOUT", "301")]
    [TestCase("REQUEST_TIMEOUT", "Infinity")]
    [TestCase("REQUEST_TIMEOUT", "thirty")]
    [TestCase("LLM_BASE_URL", "ftp://x")]
    [TestCase("LLM_BASE_URL", "not a url")]
    [TestCase("LLM_BASE_URL", "api.openai.com/v1")]
    [TestCase("LLM_MAX_TOKENS", "0")]
    [TestCase("LLM_MAX_TOKENS", "100001")]
    [TestCase("LLM_MAX_TOKENS", "1.5")]
    [TestCase("LLM_MAX_TOKENS", "-5")]
    [TestCase("LLM_MAX_ATTEMPTS", "0")]
    [TestCase("LLM_MAX_ATTEMPTS", "11")]
    [TestCase("LLM_MAX_ATTEMPTS", "two")]
    [TestCase("LLM_PROVIDER", "nope")]
    [TestCase("LLM_MODEL", "")]
    [TestCase("LLM_MODEL", "   ")]
    [TestCase("LLM_RETRY_BASE_DELAY", "-1")]
    [TestCase("LLM_RETRY_MAX_DELAY", "abc")]
    [TestCase("LLM_MAX_RESPONSE_KB", "0")]
    [TestCase("LLM_MAX_RESPONSE_KB", "1048577")]
    [TestCase("LLM_MAX_RESPONSE_KB", "4 MB")]
    public async Task A_bad_value_is_rejected_with_one_failure_naming_the_variable(string variable, string value)
    {
        var failure = await ResolvingFailsAsync((variable, value));

        failure.Failures.Should().ContainSingle().Which.Should().Contain(variable);
        failure.Message.Should().Contain(variable);
    }

    [Test]
    public async Task A_system_prompt_over_4096_characters_is_rejected_naming_LLM_SYSTEM_PROMPT()
    {
        var failure = await ResolvingFailsAsync(("LLM_SYSTEM_PROMPT", new string('p', 4097)));

        failure.Failures.Should().ContainSingle().Which.Should().Contain("LLM_SYSTEM_PROMPT");
    }

    [Test]
    public async Task A_max_retry_delay_below_the_base_delay_is_rejected_naming_LLM_RETRY_MAX_DELAY()
    {
        var failure = await ResolvingFailsAsync(("LLM_RETRY_BASE_DELAY", "4"), ("LLM_RETRY_MAX_DELAY", "2"));

        failure.Failures.Should().ContainSingle().Which.Should().Contain("LLM_RETRY_MAX_DELAY");
    }

    [Test]
    public async Task A_max_retry_delay_below_the_default_base_delay_is_rejected()
    {
        var failure = await ResolvingFailsAsync(("LLM_RETRY_MAX_DELAY", "0.5"));

        failure.Message.Should().Contain("LLM_RETRY_MAX_DELAY");
    }

    [Test]
    public async Task Every_bad_value_is_reported_at_once()
    {
        var failure = await ResolvingFailsAsync(("LLM_TEMPERATURE", "9"), ("LLM_MAX_ATTEMPTS", "0"), ("LLM_PROVIDER", "nope"));

        failure.Failures.Should().HaveCount(3);
        failure.Message.Should().Contain("LLM_TEMPERATURE").And.Contain("LLM_MAX_ATTEMPTS").And.Contain("LLM_PROVIDER");
    }

    [Test]
    public async Task An_unknown_provider_is_reported_with_the_registered_names()
    {
        var failure = await ResolvingFailsAsync(("LLM_PROVIDER", "nope"));

        failure.Message.Should().Contain("echo").And.Contain("openai").And.Contain("nope");
    }

    [Test]
    public async Task A_rejected_api_key_never_appears_in_the_failure()
    {
        var failure = await ResolvingFailsAsync(("LLM_API_KEY", "sk-very-secret-key-9876"), ("LLM_TEMPERATURE", "9"));

        failure.Message.Should().NotContain("very-secret");
    }

    [TestCase("ftp://user:s3cret@host/v1")]
    [TestCase("http://user:s3cret@host/v1?x=1")]
    [TestCase("user:s3cret@host/v1")]
    public async Task A_bad_LLM_BASE_URL_is_named_in_the_error_without_its_password(string value)
    {
        var failure = await ResolvingFailsAsync(("LLM_BASE_URL", value));

        failure.Failures.Should().ContainSingle().Which.Should().Contain("LLM_BASE_URL").And.Contain("***@host");
        failure.Message.Should().NotContain("s3cret");
    }

    [Test]
    public async Task A_base_url_with_credentials_is_used_as_given()
    {
        var options = await ResolveAsync(("LLM_BASE_URL", "http://user:s3cret@host/v1"));

        options.BaseUrl.Should().Be(new Uri("http://user:s3cret@host/v1"));
    }

    [TestCase("LLM_TEMPERATURE", "0")]
    [TestCase("LLM_TEMPERATURE", "2")]
    [TestCase("LLM_TEMPERATURE", "2.0")]
    [TestCase("REQUEST_TIMEOUT", "300")]
    [TestCase("REQUEST_TIMEOUT", "0.001")]
    [TestCase("LLM_MAX_TOKENS", "1")]
    [TestCase("LLM_MAX_TOKENS", "100000")]
    [TestCase("LLM_MAX_ATTEMPTS", "1")]
    [TestCase("LLM_MAX_ATTEMPTS", "10")]
    [TestCase("LLM_BASE_URL", "http://127.0.0.1:8080/v1")]
    [TestCase("LLM_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/openai/")]
    [TestCase("LLM_RETRY_BASE_DELAY", "0")]
    [TestCase("LLM_MAX_RESPONSE_KB", "1")]
    [TestCase("LLM_MAX_RESPONSE_KB", "1048576")]
    public async Task A_boundary_value_is_accepted(string variable, string value)
    {
        var act = async () => await ResolveAsync((variable, value));

        await act.Should().NotThrowAsync();
    }

    [Test]
    public async Task Boundary_values_are_read_exactly()
    {
        var low = await ResolveAsync(("LLM_TEMPERATURE", "0"), ("LLM_MAX_TOKENS", "1"), ("LLM_MAX_ATTEMPTS", "1"));
        var high = await ResolveAsync(
            ("LLM_TEMPERATURE", "2"), ("LLM_MAX_TOKENS", "100000"), ("LLM_MAX_ATTEMPTS", "10"), ("REQUEST_TIMEOUT", "300"));

        (low.Temperature, low.MaxTokens, low.MaxAttempts).Should().Be((0.0, 1, 1));
        (high.Temperature, high.MaxTokens, high.MaxAttempts, high.RequestTimeout)
            .Should().Be((2.0, 100000, 10, TimeSpan.FromSeconds(300)));
    }

    [Test]
    public async Task Equal_base_and_max_retry_delays_are_accepted()
    {
        var options = await ResolveAsync(("LLM_RETRY_BASE_DELAY", "2"), ("LLM_RETRY_MAX_DELAY", "2"));

        options.RetryMaxDelay.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Test]
    public async Task A_system_prompt_of_4096_characters_is_accepted_whole()
    {
        var prompt = new string('p', 4096);

        (await ResolveAsync(("LLM_SYSTEM_PROMPT", prompt))).SystemPrompt.Should().Be(prompt);
    }

    [Test]
    public async Task An_empty_system_prompt_means_none() =>
        (await ResolveAsync(("LLM_SYSTEM_PROMPT", ""))).SystemPrompt.Should().BeNull();

    [Test]
    public async Task An_empty_api_key_means_none_and_keeps_the_echo_default()
    {
        var options = await ResolveAsync(("LLM_API_KEY", ""));

        options.ApiKey.Should().BeNull();
        options.Provider.Should().Be("echo");
    }

    [Test]
    public async Task Empty_numeric_variables_keep_their_defaults()
    {
        var options = await ResolveAsync(("LLM_TEMPERATURE", ""), ("LLM_MAX_TOKENS", ""), ("REQUEST_TIMEOUT", " "), ("LLM_MAX_ATTEMPTS", ""));

        (options.Temperature, options.MaxTokens, options.RequestTimeout, options.MaxAttempts)
            .Should().Be((0.7, (int?)null, TimeSpan.FromSeconds(30), 3));
    }

    [Test]
    public async Task A_model_name_is_trimmed()
    {
        (await ResolveAsync(("LLM_MODEL", "  mistral-small  "))).Model.Should().Be("mistral-small");
    }

    [Test]
    public void The_variables_can_also_be_read_without_the_container()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("LLM_TEMPERATURE", "5")])
            .Build();

        var act = () => RouteTableReader.Read(configuration, new Chatbot.Infrastructure.Providers.ProviderCatalog());

        // An empty catalog knows no provider, and the temperature is out of range: both are reported.
        act.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().HaveCount(2).And.Contain(f => f.Contains("LLM_TEMPERATURE", StringComparison.Ordinal));
    }

    private static async Task<LlmOptions> ResolveAsync(params (string Key, string? Value)[] settings)
    {
        await using var host = InfrastructureHost.Create(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return host.Options;
    }

    private static async Task<OptionsValidationException> ResolvingFailsAsync(params (string Key, string? Value)[] settings)
    {
        var act = async () => await ResolveAsync(settings);
        return (await act.Should().ThrowAsync<OptionsValidationException>()).Which;
    }
}
