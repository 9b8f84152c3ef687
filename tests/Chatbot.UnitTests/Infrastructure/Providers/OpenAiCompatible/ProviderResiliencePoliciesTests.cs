using System.Net;
using Chatbot.Application.Common.Diagnostics;
using Chatbot.Application.Options;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;
using Chatbot.UnitTests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chatbot.UnitTests.Infrastructure.Providers.OpenAiCompatible;

/// <summary>The Polly.Extensions.Http retry policy as built for the provider's HttpClient: what a user waiting sees in the log.</summary>
public sealed class ProviderResiliencePoliciesTests
{
    [Test]
    public async Task Each_retry_writes_one_warning_with_provider_reason_attempt_and_wait_and_no_secret()
    {
        var options = new LlmOptions
        {
            Provider = "openai",
            ApiKey = "sk-secret-never-logged",
            MaxAttempts = 3,
            RetryBaseDelay = TimeSpan.Zero,
            RetryMaxDelay = TimeSpan.Zero,
        };
        using var services = new ServiceCollection().AddMetrics().AddSingleton<ChatbotMetrics>().BuildServiceProvider();
        var logger = new RecordingLogger<ProviderResiliencePolicies>();
        var policies = new ProviderResiliencePolicies(
            new ChatRoute("fast", options, [], TimeSpan.FromSeconds(30), 5, null), TimeProvider.System, services.GetRequiredService<ChatbotMetrics>(), logger);
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK]);

        using var response = await policies.Retry.ExecuteAsync(() => Task.FromResult(new HttpResponseMessage(answers.Dequeue())));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        logger.Entries.Should().HaveCount(2).And.OnlyContain(e => e.Level == LogLevel.Warning);
        logger.Entries[0].Message.Should().Be("Route fast (provider openai) failed (503) on attempt 1 of 3; retrying in 0 s");
        logger.Entries[1].Message.Should().Be("Route fast (provider openai) failed (429) on attempt 2 of 3; retrying in 0 s");
        logger.Entries.Should().NotContain(e => e.Message.Contains("secret", StringComparison.Ordinal));
    }
}
