using System.Net.Http.Headers;
using System.Text;

namespace Chatbot.DeploymentTests;

/// <summary>
/// nginx alone against a probe upstream that shows what the API cannot: which upstream connection served a request,
/// and a stream whose end waits for the test.
/// </summary>
public sealed class NginxUpstreamTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [OneTimeSetUp]
    public void RequireNginx() => NginxProcess.RequireInstalled();

    [Test]
    public async Task Upstream_connections_are_kept_alive_between_requests()
    {
        await using var upstream = await ProbeUpstream.StartAsync();
        await using var nginx = await NginxProcess.StartAsync(upstream.Address, upstream.Address);
        using var client = nginx.CreateClient();

        var connections = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            connections.Add(await client.GetStringAsync(new Uri("/health", UriKind.Relative)));
        }

        connections.Should().OnlyContain(c => c.StartsWith("connection=", StringComparison.Ordinal));
        connections.Distinct().Should().HaveCountLessThanOrEqualTo(2, "10 requests reuse the upstream connections instead of opening one each");
    }

    [TestCase("/question/stream")]
    [TestCase("/v1/chat/completions")]
    public async Task An_event_is_passed_on_as_soon_as_the_upstream_writes_it(string path)
    {
        await using var upstream = await ProbeUpstream.StartAsync();
        await using var nginx = await NginxProcess.StartAsync(upstream.Address, upstream.Address);
        using var client = nginx.CreateClient();
        using var cts = new CancellationTokenSource(Bound);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var sse = new Sse(await response.Content.ReadAsStreamAsync(cts.Token));

        // The probe writes its last event only after ReleaseStream.
        (await sse.ReadEventsAsync(1, cts.Token)).Should().Equal(ProbeUpstream.FirstEvent.TrimEnd('\n'));
        upstream.StreamsCompleted.Should().Be(0);

        upstream.ReleaseStream();
        (await sse.ReadToEndAsync(cts.Token)).Should().Equal(ProbeUpstream.FirstEvent.TrimEnd('\n'), "data: {\"piece\":\"last\"}", "data: [DONE]");
        upstream.StreamsCompleted.Should().Be(1);
    }
}
