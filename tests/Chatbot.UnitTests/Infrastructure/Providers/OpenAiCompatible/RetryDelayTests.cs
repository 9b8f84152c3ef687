using System.Net;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;

namespace Chatbot.UnitTests.Infrastructure.Providers.OpenAiCompatible;

public sealed class RetryDelayTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EightSeconds = TimeSpan.FromSeconds(8);
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 4)]
    [TestCase(4, 8)]
    [TestCase(5, 8)]
    [TestCase(40, 8)]
    public void Waits_grow_exponentially_from_the_base_and_are_capped(int retry, int expectedSeconds) =>
        RetryDelay.Compute(retry, null, OneSecond, EightSeconds).Should().Be(TimeSpan.FromSeconds(expectedSeconds));

    [Test]
    public void A_Retry_After_longer_than_the_exponential_wait_is_honoured() =>
        RetryDelay.Compute(1, TimeSpan.FromSeconds(5), OneSecond, EightSeconds).Should().Be(TimeSpan.FromSeconds(5));

    [Test]
    public void A_Retry_After_longer_than_the_max_is_capped_at_the_max() =>
        RetryDelay.Compute(1, TimeSpan.FromSeconds(120), OneSecond, EightSeconds).Should().Be(EightSeconds);

    [Test]
    public void A_Retry_After_shorter_than_the_exponential_wait_does_not_shorten_it() =>
        RetryDelay.Compute(3, TimeSpan.FromSeconds(1), OneSecond, EightSeconds).Should().Be(TimeSpan.FromSeconds(4));

    [TestCase(1)]
    [TestCase(5)]
    public void A_zero_base_delay_means_no_wait(int retry) =>
        RetryDelay.Compute(retry, null, TimeSpan.Zero, EightSeconds).Should().Be(TimeSpan.Zero);

    [Test]
    public void A_zero_max_delay_caps_even_a_Retry_After() =>
        RetryDelay.Compute(1, TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.Zero).Should().Be(TimeSpan.Zero);

    [Test]
    public void A_retry_number_below_one_is_a_bug()
    {
        var act = () => RetryDelay.Compute(0, null, OneSecond, EightSeconds);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Reads_Retry_After_in_delta_seconds()
    {
        using var response = RateLimited("7");

        RetryDelay.ReadRetryAfter(response, Now).Should().Be(TimeSpan.FromSeconds(7));
    }

    [Test]
    public void Reads_Retry_After_as_an_http_date_relative_to_now()
    {
        using var response = RateLimited(Now.AddSeconds(42).ToString("r"));

        RetryDelay.ReadRetryAfter(response, Now).Should().Be(TimeSpan.FromSeconds(42));
    }

    [Test]
    public void A_Retry_After_date_in_the_past_is_ignored()
    {
        using var response = RateLimited(Now.AddMinutes(-1).ToString("r"));

        RetryDelay.ReadRetryAfter(response, Now).Should().BeNull();
    }

    [Test]
    public void An_absent_Retry_After_reads_as_null()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        RetryDelay.ReadRetryAfter(response, Now).Should().BeNull();
    }

    [Test]
    public void An_unparsable_Retry_After_reads_as_null()
    {
        using var response = RateLimited("soon");

        RetryDelay.ReadRetryAfter(response, Now).Should().BeNull();
    }

    [Test]
    public void No_response_reads_as_null() => RetryDelay.ReadRetryAfter(null, Now).Should().BeNull();

    private static HttpResponseMessage RateLimited(string retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }
}
