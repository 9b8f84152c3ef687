namespace Chatbot.DeploymentTests;

/// <summary>deploy/ecs/task-definition.json (Fargate), checked against the service like the other deployments.</summary>
public sealed class EcsTests
{
    private static readonly JsonElement Definition = JsonDocument.Parse(Repo.Read("deploy/ecs/task-definition.json")).RootElement;

    private static JsonElement Container => Definition.GetProperty("containerDefinitions").EnumerateArray().Single();

    [Test]
    public void It_is_a_Fargate_task_with_a_valid_size()
    {
        Definition.GetProperty("requiresCompatibilities").EnumerateArray().Select(e => e.GetString()).Should().Contain("FARGATE");
        Definition.GetProperty("networkMode").GetString().Should().Be("awsvpc", "Fargate only supports awsvpc");
        var cpu = int.Parse(Definition.GetProperty("cpu").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var memory = int.Parse(Definition.GetProperty("memory").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        // Fargate's combinations for the smaller sizes.
        var allowed = new Dictionary<int, int[]>
        {
            [256] = [512, 1024, 2048],
            [512] = [1024, 2048, 3072, 4096],
            [1024] = [2048, 3072, 4096, 5120, 6144, 7168, 8192],
        };
        allowed.Should().ContainKey(cpu);
        allowed[cpu].Should().Contain(memory);
        Definition.GetProperty("executionRoleArn").GetString().Should().StartWith("arn:aws:iam::", "pulling the image, the secret and writing logs need it");
    }

    [Test]
    public void The_container_maps_the_port_the_image_listens_on()
    {
        var image = Dockerfile.Parse(Repo.Read("Dockerfile"));
        var port = Container.GetProperty("portMappings").EnumerateArray().Single();
        port.GetProperty("containerPort").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)
            .Should().Be(image.Final.All("EXPOSE").Single().Arguments);
        Container.GetProperty("essential").GetBoolean().Should().BeTrue();
        var urls = Environment().GetValueOrDefault("ASPNETCORE_URLS");
        if (urls is not null)
        {
            ContainerHealthCheck.PortOf(urls).Should().Be(port.GetProperty("containerPort").GetInt32());
        }
    }

    [Test]
    public void Variables_are_the_service_s_own_and_the_API_key_is_a_secret_reference()
    {
        Repo.KnownVariables.Should().Contain(Environment().Keys);
        Environment().Should().NotContainKey("LLM_API_KEY", "a key in plain environment shows in the console and the API");
        var secret = Container.GetProperty("secrets").EnumerateArray().Should().ContainSingle(s => s.GetProperty("name").GetString() == "LLM_API_KEY").Subject;
        secret.GetProperty("valueFrom").GetString().Should().MatchRegex(@"^arn:aws:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:(secret:|parameter/).+");
        Repo.KnownVariables.Should().Contain(Container.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
    }

    [Test]
    public async Task The_health_check_is_the_image_s_own_probe_and_passes_against_a_running_instance()
    {
        var check = Container.GetProperty("healthCheck");
        var command = ContainerHealthCheck.Command(check.GetProperty("command").EnumerateArray().Select(e => e.GetString()!).ToList());
        command.Should().Equal("dotnet", "Chatbot.Api.dll", "--healthcheck");
        check.GetProperty("interval").GetInt32().Should().BeInRange(5, 300);
        check.GetProperty("timeout").GetInt32().Should().BeInRange(2, 60);
        check.GetProperty("retries").GetInt32().Should().BeInRange(1, 10);

        var (api, _) = await EchoApis.GetAsync();
        var image = Dockerfile.Parse(Repo.Read("Dockerfile"));
        var imageUrls = image.Final.All("ENV").SelectMany(e => e.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(p => p.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal))["ASPNETCORE_URLS=".Length..];
        var urls = ContainerHealthCheck.WithPort(Environment().GetValueOrDefault("ASPNETCORE_URLS", imageUrls), api.BaseAddress.Port);
        var result = await ContainerHealthCheck.RunAsync(command, urls);
        result.ExitCode.Should().Be(0, result.Output);
    }

    [Test]
    public void Logs_go_to_CloudWatch_and_stopping_leaves_time_for_requests_in_flight()
    {
        var logging = Container.GetProperty("logConfiguration");
        logging.GetProperty("logDriver").GetString().Should().Be("awslogs");
        var options = logging.GetProperty("options").EnumerateObject().Select(o => o.Name).ToList();
        options.Should().Contain(["awslogs-group", "awslogs-region", "awslogs-stream-prefix"]);

        var shutdown = int.Parse(Environment().GetValueOrDefault("SHUTDOWN_TIMEOUT", "30"), System.Globalization.CultureInfo.InvariantCulture);
        Container.GetProperty("stopTimeout").GetInt32().Should().BeGreaterThan(shutdown).And.BeLessThanOrEqualTo(120, "Fargate's maximum");
    }

    [Test]
    public void The_root_filesystem_is_read_only_with_a_writable_tmp()
    {
        Container.GetProperty("readonlyRootFilesystem").GetBoolean().Should().BeTrue();
        var mount = Container.GetProperty("mountPoints").EnumerateArray().Should().ContainSingle(m => m.GetProperty("containerPath").GetString() == "/tmp").Subject;
        Definition.GetProperty("volumes").EnumerateArray().Select(v => v.GetProperty("name").GetString())
            .Should().Contain(mount.GetProperty("sourceVolume").GetString());
    }

    private static Dictionary<string, string> Environment() =>
        Container.GetProperty("environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!, StringComparer.Ordinal);
}
