using System.Net.Http.Json;
using Chatbot.FakeProvider;

namespace Chatbot.DeploymentTests;

/// <summary>
/// A provider that answers 50 MB, six times at once, as the issue saw it take the service to gigabytes that it never gave
/// back: with the default <c>LLM_MAX_RESPONSE_KB</c> (4 MiB) every answer is a 502 and the service's own process stays
/// small. The service runs as its own process, so its resident memory is its alone.
/// </summary>
public sealed class OversizedAnswerMemoryTests
{
    private const int AnswerMegabytes = 50;

    private static string Completion(int megabytes) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-huge",
        @object = "chat.completion",
        model = "m",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = new string('x', megabytes * 1024 * 1024) }, finish_reason = "stop" } },
    });

    [TestCase(false)]
    [TestCase(true)]
    public async Task Six_answers_of_50_MB_at_once_three_times_are_502_and_the_service_stays_under_400_MB(bool chunked)
    {
        await using var fake = await FakeProviderServer.StartAsync();
        fake.Default = FakeResponse.Raw(Completion(AnswerMegabytes)) with { Chunked = chunked };
        await using var api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["LLM_BASE_URL"] = new Uri(fake.BaseUrl, "v1").ToString(),
            ["LLM_API_KEY"] = "test-key",
            ["LLM_MAX_ATTEMPTS"] = "1",
            ["REQUEST_TIMEOUT"] = "60",
        });
        using var client = api.CreateClient();

        var peak = 0L;
        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
                client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = $"huge {round} {i}" })));

            answers.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.BadGateway, api.Output);
            peak = Math.Max(peak, ResidentBytes(api.Id));
        }

        TestContext.Out.WriteLine($"peak resident memory of the service: {peak / (1024 * 1024)} MB");
        peak.Should().BeLessThan(400L * 1024 * 1024, "six answers of 50 MB are never held");
        fake.ChatCompletionCalls.Should().Be(18, "an answer over the limit is not retried");
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
