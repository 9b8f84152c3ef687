using System.Text.RegularExpressions;

namespace Chatbot.DeploymentTests;

/// <summary>deploy/nginx/nginx.conf as text: what the live tests cannot reach, and the rendering they rely on.</summary>
public sealed partial class NginxConfigTests
{
    private static readonly string Config = NginxConfig.Shipped;

    [Test]
    public void The_tested_copy_differs_from_the_shipped_file_only_in_upstream_addresses_listen_port_and_temporary_directory()
    {
        var rendered = NginxConfig.Render(Config, ["127.0.0.1:1111", "127.0.0.1:2222"], 3333, "/var/tmp/chatbot-test");
        var shippedLines = Config.Split('\n');
        var renderedLines = rendered.Split('\n');

        renderedLines.Should().HaveSameCount(shippedLines);
        var changed = Enumerable.Range(0, shippedLines.Length).Where(i => shippedLines[i] != renderedLines[i]).ToList();
        foreach (var i in changed)
        {
            var shipped = shippedLines[i].Trim();
            var test = renderedLines[i].Trim();
            var allowed =
                (shipped.StartsWith("server api", StringComparison.Ordinal) && test.StartsWith("server 127.0.0.1:", StringComparison.Ordinal)
                    && shipped[shipped.IndexOf(' ', "server ".Length)..] == test[test.IndexOf(' ', "server ".Length)..])
                || (shipped == "listen 8080;" && test == "listen 127.0.0.1:3333;")
                || test == shipped.Replace("/tmp/", "/var/tmp/chatbot-test/", StringComparison.Ordinal);
            allowed.Should().BeTrue($"line {i + 1} changed from '{shipped}' to '{test}'");
        }

        changed.Should().HaveCount(2 + 1 + 6, "two upstream servers, the listen line, the pid and five temporary paths");
        NginxConfig.UpstreamAddresses(rendered).Should().Equal("127.0.0.1:1111", "127.0.0.1:2222");
    }

    [Test]
    public void The_API_paths_are_limited_to_10_requests_a_second_per_client_IP_with_a_burst_of_20()
    {
        var zone = LimitZone().Match(Config);
        zone.Success.Should().BeTrue();
        zone.Groups["key"].Value.Should().Be("$binary_remote_addr", "the limit is per client address");
        zone.Groups["rate"].Value.Should().Be("10r/s");
        Config.Should().Contain("limit_req_status 429;");

        foreach (var location in new[] { "location /question {", "location ~ ^/(question/stream|v1/chat/completions)$ {" })
        {
            Block(location).Should().Contain($"limit_req zone={zone.Groups["zone"].Value} burst=20 nodelay;", location);
        }

        Block("location / {").Should().NotContain("limit_req", "health checks and docs are not rate limited");
    }

    [Test]
    public void The_streaming_location_covers_the_streaming_paths_and_turns_buffering_off()
    {
        var streaming = new Regex(StreamingLocation().Match(Config).Groups["regex"].Value);

        streaming.IsMatch("/question/stream").Should().BeTrue();
        streaming.IsMatch("/v1/chat/completions").Should().BeTrue();
        streaming.IsMatch("/question").Should().BeFalse();
        var block = Block("location ~ ^/(question/stream|v1/chat/completions)$ {");
        block.Should().Contain("proxy_buffering off;").And.Contain("gzip off;");
    }

    [Test]
    public void Every_error_page_of_nginx_is_problem_details_with_its_own_status()
    {
        var pages = ErrorPage().Matches(Config).ToDictionary(m => m.Groups["status"].Value, m => m.Groups["location"].Value);
        pages.Keys.Should().BeEquivalentTo(["413", "429", "502", "503", "504"]);

        foreach (var (status, location) in pages)
        {
            var block = Block($"location {location} {{");
            block.Should().Contain("default_type application/problem+json;");
            var body = ReturnBody().Match(block);
            body.Groups["status"].Value.Should().Be(status);
            using var json = JsonDocument.Parse(body.Groups["body"].Value.Replace("$request_id", "0123456789abcdef", StringComparison.Ordinal));
            json.RootElement.GetProperty("status").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(status);
            json.RootElement.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
            json.RootElement.GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
            json.RootElement.GetProperty("traceId").GetString().Should().Be("0123456789abcdef", "nginx's request id, also sent upstream as X-Request-ID");
        }
    }

    [Test]
    public void Timeouts_leave_room_for_the_service_s_retries()
    {
        // The service may take REQUEST_TIMEOUT x LLM_MAX_ATTEMPTS plus back-off: 30 x 3 + 1 + 2 s by default.
        const int worstCase = (30 * 3) + 1 + 2;
        var read = ProxyReadTimeout().Matches(Config).Select(m => int.Parse(m.Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture));

        read.Should().NotBeEmpty().And.OnlyContain(seconds => seconds > worstCase);
        Config.Should().Contain("proxy_next_upstream error timeout;", "a question already sent upstream is not sent again");
    }

    // The text of the block that opens with this line, up to its closing brace.
    private static string Block(string opening)
    {
        var start = Config.IndexOf(opening, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"nginx.conf has '{opening}'");
        var depth = 0;
        for (var i = start; i < Config.Length; i++)
        {
            depth += Config[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0 && Config[i] == '}')
            {
                return Config[start..(i + 1)];
            }
        }

        throw new AssertionException($"'{opening}' is not closed.");
    }

    [GeneratedRegex(@"limit_req_zone\s+(?<key>\S+)\s+zone=(?<zone>[a-z_]+):\S+\s+rate=(?<rate>\S+);")]
    private static partial Regex LimitZone();

    [GeneratedRegex(@"location ~ (?<regex>\S+) \{")]
    private static partial Regex StreamingLocation();

    [GeneratedRegex(@"error_page (?<status>\d{3}) = (?<location>@[a-z_]+);")]
    private static partial Regex ErrorPage();

    [GeneratedRegex(@"return (?<status>\d{3}) '(?<body>[^']*)';")]
    private static partial Regex ReturnBody();

    [GeneratedRegex(@"proxy_read_timeout (?<seconds>\d+)s;")]
    private static partial Regex ProxyReadTimeout();
}
