using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Chatbot.DeploymentTests;

/// <summary>
/// The Dockerfile, read as text (no Docker engine runs here): stages, the non-root user, the port, the health check
/// (run for real against the service), the restore layer, and every path it copies.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly Dockerfile File = Dockerfile.Parse(Repo.Read("Dockerfile"));

    [Test]
    public void The_final_image_builds_on_the_ASP_NET_runtime_from_an_SDK_build_stage()
    {
        File.Final.BaseImage.Should().Be("mcr.microsoft.com/dotnet/aspnet:10.0");
        File.Final.Name.Should().Be("final");
        var build = File.Stage("build");
        build.BaseImage.Should().Be("mcr.microsoft.com/dotnet/sdk:10.0");
        File.Final.All("COPY").Should().ContainSingle(c => c.Flags.ContainsKey("from"))
            .Which.Flags["from"].Should().Be("build", "the runtime image takes the published output of the build stage only");
        build.All("RUN").Should().Contain(r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal)
            && r.Arguments.Contains("-c Release", StringComparison.Ordinal));
    }

    [Test]
    public void The_final_image_runs_as_a_non_root_user()
    {
        var user = File.Final.All("USER").Should().ContainSingle().Subject.Arguments;

        user.Should().NotBeNullOrWhiteSpace();
        user.Split(':')[0].Should().NotBe("root").And.NotBe("0");
        var userIndex = File.Final.Instructions.ToList().FindIndex(i => i.Keyword == "USER");
        File.Final.Instructions.Skip(userIndex).Should().NotContain(i => i.Keyword == "USER" && i != File.Final.All("USER").Single(),
            "no later USER switches back");
        File.Final.Instructions.Take(userIndex).Should().NotContain(i => i.Keyword == "ENTRYPOINT" || i.Keyword == "CMD",
            "the user is set before the service's command");
    }

    [Test]
    public void The_final_image_listens_on_port_8000_on_every_interface()
    {
        File.Final.All("EXPOSE").Should().ContainSingle().Which.Arguments.Should().Be("8000");
        var urls = FinalEnvironment()["ASPNETCORE_URLS"];
        urls.Should().MatchRegex(@"^http://(\+|\*|0\.0\.0\.0|\[::\]):8000$", "a container must listen beyond its own loopback");
        // The service's variables, and the runtime's own: DOTNET_*, and ASPNETCORE_HTTP_PORTS (the base image sets it to 8080).
        Repo.KnownVariables.Should().Contain(FinalEnvironment().Keys.Where(k => !k.StartsWith("DOTNET_", StringComparison.Ordinal) && k != "ASPNETCORE_HTTP_PORTS"));
        FinalEnvironment().GetValueOrDefault("ASPNETCORE_HTTP_PORTS").Should().BeEmpty("ASPNETCORE_URLS alone says where to listen");
        File.Final.All("ENTRYPOINT").Single().Words.Should().Equal("dotnet", "Chatbot.Api.dll");
    }

    [Test]
    public async Task The_HEALTHCHECK_probes_the_service_itself_and_passes_against_a_running_instance()
    {
        var healthcheck = File.Final.All("HEALTHCHECK").Should().ContainSingle().Subject;
        healthcheck.Arguments.Should().StartWith("CMD ");
        var command = ContainerHealthCheck.Command(Dockerfile.Words(healthcheck.Arguments["CMD ".Length..]).Prepend("CMD").ToList());
        command.Should().Equal("dotnet", "Chatbot.Api.dll", "--healthcheck");
        healthcheck.Flags.Keys.Should().Contain(["interval", "timeout", "start-period", "retries"]);

        // As in the image: the working directory holds the service, ASPNETCORE_URLS is the image's (on a free port).
        var (api, _) = await EchoApis.GetAsync();
        var urls = ContainerHealthCheck.WithPort(FinalEnvironment()["ASPNETCORE_URLS"], api.BaseAddress.Port);
        var healthy = await ContainerHealthCheck.RunAsync(command, urls);
        healthy.ExitCode.Should().Be(0, healthy.Output);

        var nobody = ContainerHealthCheck.WithPort(urls, FreePort.Next());
        var unhealthy = await ContainerHealthCheck.RunAsync(command, nobody);
        unhealthy.ExitCode.Should().NotBe(0, "nothing listens there: " + unhealthy.Output);
    }

    [Test]
    public void Every_path_the_Dockerfile_copies_from_the_build_context_exists_and_is_not_excluded_by_dockerignore()
    {
        var ignore = DockerIgnore.Parse(Repo.Read(".dockerignore"));
        var sources = File.Instructions.Where(i => i.Keyword is "COPY" or "ADD" && !i.Flags.ContainsKey("from"))
            .SelectMany(i => i.Words.SkipLast(1))
            .ToList();

        sources.Should().NotBeEmpty();
        foreach (var source in sources)
        {
            var path = source.TrimEnd('/');
            if (path == ".")
            {
                continue;
            }

            Repo.Exists(path).Should().BeTrue($"the Dockerfile copies '{source}'");
            ignore.Excludes(path).Should().BeFalse($".dockerignore must not exclude '{source}', which the Dockerfile copies");
        }
    }

    [Test]
    public void The_build_context_leaves_out_secrets_build_outputs_and_version_control()
    {
        var ignore = DockerIgnore.Parse(Repo.Read(".dockerignore"));

        ignore.Excludes(".env").Should().BeTrue("a developer's .env holds the provider's API key");
        ignore.Excludes(".git").Should().BeTrue();
        ignore.Excludes("src/Chatbot.Api/bin").Should().BeTrue();
        ignore.Excludes("src/Chatbot.Api/obj").Should().BeTrue();
        ignore.Excludes("tests/Chatbot.UnitTests/obj").Should().BeTrue();
        ignore.Excludes("src/Chatbot.Api/Program.cs").Should().BeFalse();
        ignore.Excludes("deploy/nginx/nginx.conf").Should().BeFalse("the test stage runs the nginx tests");
    }

    [Test]
    public void Restore_runs_on_the_project_files_alone_before_the_sources_are_copied()
    {
        var build = File.Stage("build").Instructions.ToList();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        restore.Should().BePositive("the build stage restores in a RUN of its own");

        var copiedBefore = build.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Words.SkipLast(1)).ToList();
        copiedBefore.Should().OnlyContain(p => p.EndsWith(".csproj", StringComparison.Ordinal) || p.EndsWith(".props", StringComparison.Ordinal)
            || p.EndsWith(".sln", StringComparison.Ordinal) || p == "global.json", "only what restore reads comes before it, so the layer survives source edits");
        copiedBefore.Should().Contain(["global.json", "Directory.Build.props", "Directory.Packages.props"]);
        copiedBefore.Should().Contain(ProjectClosure("src/Chatbot.Api/Chatbot.Api.csproj"),
            "every project the API builds from must be there for the restore");

        var sources = build.FindIndex(i => i.Keyword == "COPY" && i.Words[0].TrimEnd('/') == "src");
        sources.Should().BeGreaterThan(restore, "the sources come after the restore layer");
        build.Skip(restore + 1).Should().Contain(i => i.Keyword == "RUN" && i.Arguments.Contains("--no-restore", StringComparison.Ordinal));
    }

    [Test]
    public void The_test_target_restores_every_project_of_the_solution_then_runs_dotnet_test()
    {
        var test = File.Stage("test");
        File.Lineage(test).Select(s => s.Name).Should().StartWith(["build"]);
        var steps = test.Instructions.ToList();
        var restore = steps.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore Chatbot.sln", StringComparison.Ordinal));
        var copyAll = steps.FindIndex(i => i.Keyword == "COPY" && i.Words.SequenceEqual([".", "."]));
        var runTests = steps.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet test", StringComparison.Ordinal));
        restore.Should().BePositive();
        copyAll.Should().BeGreaterThan(restore, "test sources come after the restore layer");
        runTests.Should().BeGreaterThan(copyAll);
        steps.Should().Contain(i => i.Keyword == "RUN" && i.Arguments.Contains("install", StringComparison.Ordinal)
            && i.Arguments.Contains("nginx", StringComparison.Ordinal), "the reverse-proxy tests need nginx in the test image");

        // The project files of tests/ come from the test-projects stage, which keeps nothing else; those of src/ from build.
        var projects = File.Stage("test-projects");
        projects.All("COPY").Should().ContainSingle().Which.Words.Should().Equal("tests/", "tests/");
        projects.All("RUN").Should().ContainSingle().Which.Arguments.Should().Contain("! -name '*.csproj' -delete");
        var copiedFromBuild = File.Stage("build").All("COPY").SelectMany(i => i.Words.SkipLast(1)).ToHashSet();
        foreach (var project in SolutionProjects())
        {
            (project.StartsWith("tests/", StringComparison.Ordinal) || copiedFromBuild.Contains(project))
                .Should().BeTrue($"{project} is in Chatbot.sln, so the test stage's restore needs it");
        }
    }

    [Test]
    public void The_dev_target_runs_dotnet_watch_with_outputs_outside_the_mounted_checkout()
    {
        var dev = File.Stage("dev");
        dev.BaseImage.Should().StartWith("mcr.microsoft.com/dotnet/sdk:");
        var entrypoint = dev.All("ENTRYPOINT").Single().Words;
        entrypoint.Take(2).Should().Equal("dotnet", "watch");
        entrypoint.Should().Contain("--artifacts-path");
        dev.All("EXPOSE").Single().Arguments.Should().Be("8000");
    }

    private Dictionary<string, string> FinalEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in File.Final.All("ENV"))
        {
            foreach (Match pair in EnvPair().Matches(env.Arguments))
            {
                environment[pair.Groups["name"].Value] = pair.Groups["value"].Value;
            }
        }

        return environment;
    }

    private static IEnumerable<string> SolutionProjects() =>
        SolutionProject().Matches(Repo.Read("Chatbot.sln")).Select(m => m.Groups["path"].Value.Replace('\\', '/'));

    // The project and every project it references, transitively, as repository-relative paths.
    private static HashSet<string> ProjectClosure(string project)
    {
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!closure.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Parse(Repo.Read(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(Repo.PathOf(directory), reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repo.Root, full).Replace('\\', '/'));
            }
        }

        return closure;
    }

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"""(?<path>[^""]+\.csproj)""")]
    private static partial Regex SolutionProject();
}
