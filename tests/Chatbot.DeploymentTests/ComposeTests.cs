namespace Chatbot.DeploymentTests;

/// <summary>docker-compose.yml, parsed (anchors and merge keys resolved as Compose does) and checked against the service.</summary>
public sealed class ComposeTests
{
    private static readonly YamlValue Compose = Yaml.Document(Repo.Read("docker-compose.yml"));
    private static readonly Dockerfile Image = Dockerfile.Parse(Repo.Read("Dockerfile"));

    private static IReadOnlyDictionary<string, YamlValue> Services => Compose["services"].Entries;

    // Services that run the service (built from this repository's Dockerfile).
    private static IEnumerable<KeyValuePair<string, YamlValue>> ApiServices =>
        Services.Where(s => s.Value.At("build.context").Text == ".");

    [Test]
    public void The_API_runs_without_a_profile_on_port_8000_and_each_profile_has_its_services()
    {
        Services["api"]["profiles"].Exists.Should().BeFalse("`docker compose up` alone starts the API");
        Ports(Services["api"]).Should().Equal(("8000", "8000"));

        ServicesOf("dev").Should().BeEquivalentTo(["api-dev"]);
        ServicesOf("cache").Should().BeEquivalentTo(["redis", "api-cache"]);
        ServicesOf("proxy").Should().BeEquivalentTo(["api-2", "nginx"]);

        // Every profile can be started together with the others: no two services publish the same host port.
        var hostPorts = Services.Values.SelectMany(Ports).Select(p => p.Host).ToList();
        hostPorts.Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void Every_API_service_builds_a_target_of_the_Dockerfile_and_listens_on_the_port_it_publishes()
    {
        ApiServices.Select(s => s.Key).Should().BeEquivalentTo(["api", "api-dev", "api-cache", "api-2"]);
        var stages = Image.Stages.Select(s => s.Name).ToList();
        foreach (var (name, service) in ApiServices)
        {
            stages.Should().Contain(service.At("build.target").Text, $"{name} builds a stage of the Dockerfile");
            var urls = service["environment"]["ASPNETCORE_URLS"].Text;
            urls.Should().NotBeNull($"{name} says where to listen");
            var port = ContainerHealthCheck.PortOf(urls!).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Ports(service).Should().NotContain(p => p.Container != port, $"{name} publishes the port it listens on");
            var stage = Image.Stage(service.At("build.target").Text!);
            stage.All("EXPOSE").Single().Arguments.Should().Be(port);
        }
    }

    [Test]
    public void Every_environment_variable_given_to_the_API_is_one_the_service_reads()
    {
        foreach (var (name, service) in ApiServices)
        {
            var variables = service["environment"].Keys;
            variables.Should().NotBeEmpty();
            Repo.KnownVariables.Should().Contain(variables, $"{name}'s environment names must be variables the service reads");
            service["environment"]["LLM_API_KEY"].Exists.Should().BeFalse("the key comes from .env, never from the compose file");
            service["env_file"][0]["path"].Text.Should().Be(".env");
            service["env_file"][0]["required"].Text.Should().Be("false", "a checkout with no .env still starts (echo provider)");
        }
    }

    [Test]
    public void The_cache_profile_gives_its_API_the_Redis_service_as_REDIS_URL()
    {
        var api = Services["api-cache"];
        var redisUrl = new Uri(api["environment"]["REDIS_URL"].Text!);

        redisUrl.Scheme.Should().Be("redis");
        Services.Should().ContainKey(redisUrl.Host);
        var redis = Services[redisUrl.Host];
        redis["profiles"].Items.Select(p => p.Text).Should().Contain("cache");
        redis["image"].Text.Should().StartWith("redis:");
        redisUrl.Port.Should().Be(6379, "Redis listens on its default port in its container");
        api.At("depends_on").Keys.Should().Contain(redisUrl.Host);
        api.At($"depends_on.{redisUrl.Host}.condition").Text.Should().Be("service_healthy");
    }

    [Test]
    public void The_proxy_profile_puts_nginx_with_the_shipped_config_in_front_of_every_upstream_it_names()
    {
        var nginx = Services["nginx"];
        var mount = nginx["volumes"].Items.Select(v => v.Text!).Single(v => v.Contains("nginx.conf", StringComparison.Ordinal));
        var parts = mount.Split(':');
        parts[0].Should().Be("./" + NginxConfig.RelativePath);
        parts[1].Should().Be("/etc/nginx/nginx.conf");
        parts.Should().Contain("ro");

        var listen = NginxConfig.Shipped.Split('\n').Single(l => l.TrimStart().StartsWith("listen ", StringComparison.Ordinal)).Trim().TrimEnd(';').Split(' ')[1];
        Ports(nginx).Should().Equal((listen, listen));

        var upstreams = NginxConfig.UpstreamAddresses(NginxConfig.Shipped);
        upstreams.Should().HaveCountGreaterThanOrEqualTo(2, "the proxy balances several API instances");
        foreach (var upstream in upstreams)
        {
            var (host, port) = (upstream.Split(':')[0], upstream.Split(':')[1]);
            Services.Should().ContainKey(host, "nginx resolves the upstream by its compose service name");
            var service = Services[host];
            service.At("build.context").Text.Should().Be(".", $"{host} is an API instance");
            var profiles = service["profiles"].Items.Select(p => p.Text).ToList();
            (profiles.Count == 0 || profiles.Contains("proxy")).Should().BeTrue($"{host} runs whenever the proxy profile does");
            ContainerHealthCheck.PortOf(service["environment"]["ASPNETCORE_URLS"].Text!).ToString(System.Globalization.CultureInfo.InvariantCulture)
                .Should().Be(port);
            nginx.At($"depends_on.{host}.condition").Text.Should().Be("service_healthy", "nginx resolves its upstreams when it starts");
        }
    }

    [Test]
    public void Every_long_running_service_has_a_health_check_and_a_stop_grace_period_above_SHUTDOWN_TIMEOUT()
    {
        foreach (var (name, service) in Services)
        {
            var healthcheck = service["healthcheck"];
            healthcheck.Exists.Should().BeTrue($"{name} has a health check");
            healthcheck["test"].Items.Should().NotBeEmpty();
            healthcheck["test"][0].Text.Should().Be("CMD", $"{name}'s check runs without a shell");
            healthcheck["interval"].Text.Should().NotBeNull();
            healthcheck["retries"].Int.Should().BePositive();
        }

        foreach (var (name, service) in ApiServices.Where(s => s.Key != "api-dev"))
        {
            var shutdown = service["environment"]["SHUTDOWN_TIMEOUT"].Int ?? 30;
            var grace = service["stop_grace_period"].Text;
            grace.Should().EndWith("s");
            int.Parse(grace![..^1], System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(shutdown,
                $"{name}: Docker kills the container after stop_grace_period; requests in flight get up to SHUTDOWN_TIMEOUT");
        }
    }

    [Test]
    public async Task The_API_health_check_is_the_Dockerfile_one_and_passes_against_a_running_instance()
    {
        var dockerfileCheck = Image.Final.All("HEALTHCHECK").Single().Arguments;
        var expected = Dockerfile.Words(dockerfileCheck["CMD ".Length..]);
        var (api, _) = await EchoApis.GetAsync();

        foreach (var (name, service) in ApiServices.Where(s => s.Value.At("build.target").Text == "final"))
        {
            var test = service.At("healthcheck.test").Items.Select(i => i.Text!).ToList();
            var command = ContainerHealthCheck.Command(test);
            command.Should().Equal(expected, $"{name} checks itself as the image does");

            var urls = ContainerHealthCheck.WithPort(service["environment"]["ASPNETCORE_URLS"].Text!, api.BaseAddress.Port);
            var result = await ContainerHealthCheck.RunAsync(command, urls);
            result.ExitCode.Should().Be(0, $"{name}: {result.Output}");
        }

        // The dev service probes the build output in its artifacts volume, where the dev stage's dotnet watch builds.
        var dev = Services["api-dev"];
        var devCheck = ContainerHealthCheck.Command(dev.At("healthcheck.test").Items.Select(i => i.Text!).ToList());
        devCheck[^1].Should().Be("--healthcheck");
        var artifacts = Image.Stage("dev").All("ENTRYPOINT").Single().Words.SkipWhile(w => w != "--artifacts-path").Skip(1).First();
        devCheck[^2].Should().Be($"{artifacts}/bin/Chatbot.Api/debug/Chatbot.Api.dll",
            "dotnet watch builds Debug into <artifacts>/bin/<project>/debug");
        dev["volumes"].Items.Select(v => v.Text).Should().Contain(v => v!.EndsWith(":" + artifacts, StringComparison.Ordinal));
        dev["volumes"].Items.Select(v => v.Text).Should().Contain("./:/src", "the checkout is mounted for hot reload");
    }

    private static List<string> ServicesOf(string profile) =>
        Services.Where(s => s.Value["profiles"].Items.Any(p => p.Text == profile)).Select(s => s.Key).ToList();

    // "host:container" or "ip:host:container" → (host, container).
    private static List<(string Host, string Container)> Ports(YamlValue service) =>
        service["ports"].Items.Select(p => p.Text!.Split(':')).Select(parts => (parts[^2], parts[^1])).ToList();
}
