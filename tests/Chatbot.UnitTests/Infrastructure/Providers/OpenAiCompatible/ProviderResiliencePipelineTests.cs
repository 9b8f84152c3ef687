using System.Net;
using Chatbot.Domain.Providers;
using Chatbot.UnitTests.TestSupport;
using static Chatbot.UnitTests.TestSupport.ScriptedHttpMessageHandler;

namespace Chatbot.UnitTests.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// <c>ProviderResilienceHandler</c> and <c>ProviderFailureHandler</c> as <c>AddInfrastructure</c> wires them
/// into the provider's named HttpClient, with the network replaced by a scripted handler.
/// </summary>
public sealed class ProviderResiliencePipelineTests
{
    private static readonly Uri ChatCompletions = new("http://127.0.0.1:1/v1/chat/completions");

    [Test]
    public async Task The_scripted_handler_replaces_the_network_at_the_bottom_of_the_pipeline()
    {
        var upstream = Statuses(HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        using var response = await SendAsync(host);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Calls.Should().Be(1);
        upstream.Requests.Single().Uri.Should().Be(ChatCompletions);
    }

    [Test]
    public async Task Rate_limits_are_retried_until_success()
    {
        var upstream = Statuses(HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        using var response = await SendAsync(host);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Calls.Should().Be(3);
    }

    [Test]
    public async Task A_server_error_is_retried()
    {
        var upstream = Statuses(HttpStatusCode.InternalServerError, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        using var response = await SendAsync(host);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Calls.Should().Be(2);
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(5)]
    public async Task Persistent_rate_limiting_fails_after_exactly_max_attempts_with_the_last_Retry_After(int maxAttempts)
    {
        // Call n answers "Retry-After: n"; the delays are capped at 0 so nothing waits.
        var upstream = new ScriptedHttpMessageHandler([.. Enumerable.Range(1, maxAttempts + 2).Select(n => Step(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.Add("Retry-After", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }))]);
        await using var host = InfrastructureHost.ForUpstream(upstream, Attempts(maxAttempts));

        var act = () => SendAsync(host);

        var thrown = await act.Should().ThrowAsync<ProviderRateLimitedException>();
        thrown.Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(maxAttempts));
        upstream.Calls.Should().Be(maxAttempts);
    }

    [Test]
    public async Task An_http_date_Retry_After_is_passed_on_relative_to_the_clock()
    {
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var upstream = Always(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.Add("Retry-After", now.AddSeconds(42).ToString("r"));
            return response;
        });
        await using var host = InfrastructureHost.ForUpstream(upstream, timeProvider: new FixedTimeProvider(now));

        var act = () => SendAsync(host);

        (await act.Should().ThrowAsync<ProviderRateLimitedException>()).Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(42));
    }

    [TestCase(null, 1)]
    [TestCase("soon", 1)]
    [TestCase("0", 1)]
    public async Task Persistent_rate_limiting_without_a_usable_Retry_After_carries_the_wait_the_service_would_use(
        string? retryAfter, int expectedSeconds)
    {
        var upstream = Always(() =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            return response;
        });

        // The defaults here wait 0 s between attempts: the client is still told to wait at least a second.
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = () => SendAsync(host);

        (await act.Should().ThrowAsync<ProviderRateLimitedException>()).Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(expectedSeconds));
    }

    [Test]
    public async Task Without_a_Retry_After_the_wait_given_is_the_next_exponential_wait()
    {
        // One attempt in all, so no wait is spent here; the wait a retry would have used next is the base, 2 s.
        var upstream = Statuses(HttpStatusCode.TooManyRequests);
        await using var host = InfrastructureHost.ForUpstream(
            upstream, new Dictionary<string, string?> { ["LLM_MAX_ATTEMPTS"] = "1", ["LLM_RETRY_BASE_DELAY"] = "2", ["LLM_RETRY_MAX_DELAY"] = "10" });

        var act = () => SendAsync(host);

        (await act.Should().ThrowAsync<ProviderRateLimitedException>()).Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(2));
        upstream.Calls.Should().Be(1);
    }

    [Test]
    public async Task A_408_from_the_provider_is_retried_as_a_timeout()
    {
        // Polly.Extensions.Http's HandleTransientHttpError() counts 408 as transient (ADR 0005).
        var upstream = Statuses(HttpStatusCode.RequestTimeout, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        using var response = await SendAsync(host);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Calls.Should().Be(2);
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.GatewayTimeout)]
    public async Task Persistent_server_errors_fail_as_invalid_response_after_max_attempts(HttpStatusCode status)
    {
        var upstream = Statuses(status);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = () => SendAsync(host);

        await act.Should().ThrowAsync<ProviderInvalidResponseException>();
        upstream.Calls.Should().Be(3);
    }

    [Test]
    public async Task Rejected_credentials_fail_at_once()
    {
        var upstream = Statuses(HttpStatusCode.Unauthorized, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = () => SendAsync(host);

        await act.Should().ThrowAsync<ProviderAuthenticationException>();
        upstream.Calls.Should().Be(1);
    }

    [TestCase(HttpStatusCode.BadRequest)]
    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.UnprocessableEntity)]
    public async Task A_refusal_of_the_request_fails_at_once_with_the_providers_status(HttpStatusCode status)
    {
        var upstream = Statuses(status, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = () => SendAsync(host);

        (await act.Should().ThrowAsync<ProviderRejectedRequestException>()).Which.Status.Should().Be((int)status);
        upstream.Calls.Should().Be(1);
    }

    [TestCase(HttpStatusCode.Forbidden)]
    [TestCase(HttpStatusCode.Conflict)]
    [TestCase(HttpStatusCode.RequestEntityTooLarge)]
    public async Task Other_client_errors_fail_at_once_as_invalid_response(HttpStatusCode status)
    {
        var upstream = Statuses(status, HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = () => SendAsync(host);

        await act.Should().ThrowAsync<ProviderInvalidResponseException>();
        upstream.Calls.Should().Be(1);
    }

    [Test]
    public async Task A_connection_failure_every_time_fails_as_unavailable_after_max_attempts()
    {
        var upstream = new ScriptedHttpMessageHandler(Throw(() => new HttpRequestException(
            HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:1)")));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = () => SendAsync(host);

        (await act.Should().ThrowAsync<ProviderUnavailableException>()).WithInnerException<HttpRequestException>();
        upstream.Calls.Should().Be(3);
    }

    [Test]
    public async Task A_single_connection_failure_is_retried()
    {
        var upstream = new ScriptedHttpMessageHandler(
            Throw(() => new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset")),
            Step(() => new HttpResponseMessage(HttpStatusCode.OK)));
        await using var host = InfrastructureHost.ForUpstream(upstream);

        using var response = await SendAsync(host);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Calls.Should().Be(2);
    }

    // 0.001: Polly's timeout strategy refuses anything under 10 ms, the configuration accepts any positive number.
    [TestCase("0.2")]
    [TestCase("0.001")]
    public async Task Attempts_past_REQUEST_TIMEOUT_fail_as_timeout_after_max_attempts(string requestTimeout)
    {
        var upstream = new ScriptedHttpMessageHandler(Hang());
        await using var host = InfrastructureHost.ForUpstream(upstream, Settings(("REQUEST_TIMEOUT", requestTimeout)));

        var act = () => SendAsync(host);

        await act.Should().ThrowAsync<ProviderTimeoutException>();
        upstream.Calls.Should().Be(3);
    }

    [Test]
    public async Task An_attempt_past_REQUEST_TIMEOUT_is_retried()
    {
        var upstream = new ScriptedHttpMessageHandler(Hang(), Step(() => new HttpResponseMessage(HttpStatusCode.OK)));
        await using var host = InfrastructureHost.ForUpstream(upstream, Settings(("REQUEST_TIMEOUT", "0.2")));

        using var response = await SendAsync(host);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        upstream.Calls.Should().Be(2);
    }

    [Test]
    public async Task Caller_cancellation_is_an_OperationCanceledException_and_is_not_retried()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstream = new ScriptedHttpMessageHandler(async (_, cancellationToken) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        await using var host = InfrastructureHost.ForUpstream(upstream);
        using var cts = new CancellationTokenSource();

        var sending = SendAsync(host, cts.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        var act = () => sending;

        var thrown = await act.Should().ThrowAsync<OperationCanceledException>();
        thrown.Which.Should().NotBeAssignableTo<ProviderException>();
        upstream.Calls.Should().Be(1);
    }

    [Test]
    public async Task An_already_cancelled_request_never_reaches_the_provider()
    {
        var upstream = Statuses(HttpStatusCode.OK);
        await using var host = InfrastructureHost.ForUpstream(upstream);

        var act = () => SendAsync(host, new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
        upstream.Calls.Should().Be(0);
    }

    private static async Task<HttpResponseMessage> SendAsync(InfrastructureHost host, CancellationToken cancellationToken = default)
    {
        using var client = host.CreateProviderClient();
        using var content = new StringContent("""{"model":"m","messages":[]}""", System.Text.Encoding.UTF8, "application/json");
        return await client.PostAsync(ChatCompletions, content, cancellationToken);
    }

    private static Dictionary<string, string?> Attempts(int maxAttempts) =>
        Settings(("LLM_MAX_ATTEMPTS", maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings) =>
        settings.ToDictionary(s => s.Key, s => s.Value);
}
