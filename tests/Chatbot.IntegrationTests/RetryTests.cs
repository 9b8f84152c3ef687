namespace Chatbot.IntegrationTests;

/// <summary>Only transient failures are retried, never more than LLM_MAX_ATTEMPTS calls in all.</summary>
public sealed class RetryTests : FakeUpstreamFixture
{

    protected override (string Key, string Value)[] Settings => [("LLM_MAX_ATTEMPTS", "3")];

    [Test]
    public async Task Rate_limited_twice_then_answered_is_200_after_3_calls()
    {
        Fake.Enqueue(FakeResponse.RateLimited(), FakeResponse.RateLimited(), FakeResponse.Completion("third time"));

        var response = await Client.AskAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("third time");
        Fake.ChatCompletionCalls.Should().Be(3);
    }

    [Test]
    public async Task Server_error_once_then_answered_is_200_after_2_calls()
    {
        Fake.Enqueue(FakeResponse.WithStatus(500), FakeResponse.Completion("second time"));

        var response = await Client.AskAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Fake.ChatCompletionCalls.Should().Be(2);
    }

    [Test]
    public async Task Rate_limited_every_time_is_429_with_retry_after_after_max_attempts()
    {
        Fake.Enqueue(FakeResponse.RateLimited(), FakeResponse.RateLimited(), FakeResponse.RateLimited(7));

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "Rate limit exceeded, please try again later");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        Fake.ChatCompletionCalls.Should().Be(3);
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    public async Task Server_error_every_time_is_502_after_max_attempts(int status)
    {
        Fake.Default = FakeResponse.WithStatus(status);

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "Invalid response from LLM provider");
        Fake.ChatCompletionCalls.Should().Be(3);
    }

    [Test]
    public async Task Unauthorized_is_401_after_exactly_one_call()
    {
        Fake.Default = FakeResponse.WithStatus(401);

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authentication failed with LLM provider");
        Fake.ChatCompletionCalls.Should().Be(1);
    }

    [TestCase(400)]
    [TestCase(403)]
    [TestCase(404)]
    [TestCase(422)]
    public async Task OtherClient_errors_are_502_after_exactly_one_call(int status)
    {
        Fake.Default = FakeResponse.WithStatus(status);

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "Invalid response from LLM provider");
        Fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task A_provider_408_is_retried_as_a_timeout_within_max_attempts()
    {
        // Polly.Extensions.Http's HandleTransientHttpError() counts 408 as transient; persistent, it is still a 502.
        Fake.Default = FakeResponse.WithStatus(408);

        var response = await Client.AskAsync("hi");

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "Invalid response from LLM provider");
        Fake.ChatCompletionCalls.Should().Be(3);
    }

    [Test]
    public async Task Max_attempts_of_one_means_no_retry()
    {
        await using var factory = ApiFactory.For(Fake, ("LLM_MAX_ATTEMPTS", "1"));
        using var client = factory.CreateClient();
        Fake.Default = FakeResponse.RateLimited();

        var response = await client.AskAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        Fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task Retry_after_from_the_provider_is_waited_for_when_longer_than_the_backoff()
    {
        // Back-off alone would wait 1 ms; the provider asks for 1 s and the cap (2 s) allows it.
        await using var factory = ApiFactory.For(Fake, ("LLM_RETRY_MAX_DELAY", "2"));
        using var client = factory.CreateClient();
        Fake.Enqueue(FakeResponse.RateLimited(1), FakeResponse.Completion("after the wait"));

        var response = await client.AskAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var calls = Fake.Received.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        calls.Should().HaveCount(2);
        (calls[1].ReceivedAt - calls[0].ReceivedAt).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950),
            "a wait can only be longer than asked, never shorter");
    }

    [Test]
    public async Task Retry_after_longer_than_the_cap_is_capped()
    {
        // The provider asks for an hour; the cap of 10 ms wins, so the test finishes at once.
        Fake.Enqueue(FakeResponse.RateLimited(3600), FakeResponse.Completion("capped"));

        var response = await Client.AskAsync("hi");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Fake.ChatCompletionCalls.Should().Be(2);
    }
}
