using System.Net.Http.Json;
using Chatbot.FakeProvider;

namespace Chatbot.DeploymentTests;

/// <summary>
/// SIGTERM, as <c>docker stop</c>, ECS and Kubernetes send it: the service stops taking connections and lets the
/// requests in flight finish (for up to SHUTDOWN_TIMEOUT seconds), then exits 0. The service runs as its own process
/// against the fake OpenAI-compatible provider, which holds the answer back until the signal has been sent.
/// </summary>
public sealed class GracefulShutdownTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_request_in_flight_at_SIGTERM_still_gets_its_answer_new_connections_are_refused_and_the_process_exits_0()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        // Long enough for the listener to close while the answer is still being waited for.
        fake.Enqueue(FakeResponse.Completion("answered after SIGTERM") with { Delay = TimeSpan.FromSeconds(5) });
        await using var api = await ApiProcess.StartAsync(OpenAiAt(fake, shutdownTimeoutSeconds: 30));
        using var client = api.CreateClient();

        var inFlight = client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "are you still there?" });
        (await fake.WaitForChatCompletionCallsAsync(1, Bound)).Should().BeTrue("the question reached the provider");
        await api.TerminateAsync();

        // New connections are refused while the request in flight is still waiting for the provider.
        var refusedWhileInFlight = false;
        for (var attempt = 0; attempt < 200 && !inFlight.IsCompleted; attempt++)
        {
            if (await FreePort.IsRefusedAsync(api.BaseAddress.Port))
            {
                refusedWhileInFlight = !inFlight.IsCompleted;
                break;
            }

            await Task.Delay(20);
        }

        using var response = await inFlight.WaitAsync(Bound);
        response.StatusCode.Should().Be(HttpStatusCode.OK, api.Output);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("answered after SIGTERM");
        refusedWhileInFlight.Should().BeTrue("the listener closes at SIGTERM, before the request in flight has its answer");
        (await api.WaitForExitAsync(Bound)).Should().Be(0, api.Output);
        fake.CancelledRequests.Should().Be(0, "the upstream call was not cut short");
    }

    [Test]
    public async Task SHUTDOWN_TIMEOUT_bounds_how_long_a_request_in_flight_may_hold_the_stop()
    {
        await using var fake = await FakeProviderServer.StartAsync();
        // The provider never answers: only the shutdown limit ends the wait.
        fake.Enqueue(FakeResponse.Hang());
        await using var api = await ApiProcess.StartAsync(OpenAiAt(fake, shutdownTimeoutSeconds: 1));
        using var client = api.CreateClient();

        var inFlight = client.PostAsJsonAsync(new Uri("/question", UriKind.Relative), new { text = "hang on" });
        (await fake.WaitForChatCompletionCallsAsync(1, Bound)).Should().BeTrue();
        await api.TerminateAsync();

        var exitCode = await api.WaitForExitAsync(Bound);
        exitCode.Should().Be(0, api.Output);
        var outcome = await Outcome(inFlight);
        outcome.Should().NotBe(HttpStatusCode.OK, "the provider never answered; the service stopped waiting at SHUTDOWN_TIMEOUT");
    }

    private static Dictionary<string, string> OpenAiAt(FakeProviderServer fake, int shutdownTimeoutSeconds) => new()
    {
        ["LLM_BASE_URL"] = new Uri(fake.BaseUrl, "v1").ToString(),
        ["LLM_API_KEY"] = "test-key",
        ["LLM_MODEL"] = "gpt-test",
        ["LLM_MAX_ATTEMPTS"] = "1",
        ["REQUEST_TIMEOUT"] = "120",
        ["SHUTDOWN_TIMEOUT"] = shutdownTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // The status the client got, or null when the connection ended without an answer.
    private static async Task<HttpStatusCode?> Outcome(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request.WaitAsync(Bound);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
