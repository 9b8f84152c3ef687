using System.Diagnostics;

namespace Chatbot.DeploymentTests;

/// <summary>
/// build/docker/*.sh, the original's docker recipes, run for real with a stand-in <c>docker</c> on PATH that records
/// its arguments: each asks for Dockerfile stages, compose profiles and services that exist.
/// </summary>
public sealed class DockerScriptsTests
{
    private const string Folder = "build/docker";
    private static readonly YamlValue Compose = Yaml.Document(Repo.Read("docker-compose.yml"));
    private static readonly Dockerfile Image = Dockerfile.Parse(Repo.Read("Dockerfile"));

    public static IEnumerable<TestCaseData> Recipes()
    {
        yield return new TestCaseData("run.sh", new[] { "build", "run" });
        yield return new TestCaseData("dev.sh", new[] { "compose up" });
        yield return new TestCaseData("cache.sh", new[] { "compose up", "compose ps" });
        yield return new TestCaseData("proxy.sh", new[] { "compose up", "compose ps" });
        yield return new TestCaseData("test.sh", new[] { "build" });
        yield return new TestCaseData("logs.sh", new[] { "compose logs" });
        yield return new TestCaseData("clean.sh", new[] { "compose down", "image" });
    }

    [Test]
    public void Every_recipe_of_the_original_has_a_script_and_each_script_says_how_to_use_it()
    {
        var scripts = Directory.GetFiles(Repo.PathOf(Folder), "*.sh").Select(Path.GetFileName).ToList();
        scripts.Should().BeEquivalentTo(Recipes().Select(r => (string)r.Arguments[0]!));

        foreach (var script in scripts)
        {
            var lines = Repo.Read($"{Folder}/{script}").Split('\n');
            lines[0].Should().Be("#!/usr/bin/env bash", script);
            lines.Should().Contain(l => l.StartsWith("# Usage: bash build/docker/" + script, StringComparison.Ordinal), script);
            lines.Should().Contain("set -euo pipefail", script);
        }
    }

    [TestCaseSource(nameof(Recipes))]
    public async Task The_script_asks_docker_only_for_stages_profiles_and_services_that_exist(string script, string[] expected)
    {
        var calls = await RunWithRecordingDockerAsync(script);

        calls.Select(Kind).Should().Equal(expected);
        foreach (var call in calls)
        {
            switch (call[0])
            {
                case "build":
                    var target = call[call.IndexOf("--target") + 1];
                    Image.StageNamed(target).Should().NotBeNull($"{script} builds the stage '{target}'");
                    call[^1].Should().Be(".", "the build context is the repository root");
                    break;
                case "run":
                    call.Should().Contain("-p");
                    call[call.IndexOf("-p") + 1].Should().Be($"8000:{Image.Final.All("EXPOSE").Single().Arguments}");
                    break;
                case "compose":
                    CheckCompose(script, call);
                    break;
            }
        }
    }

    private static string Kind(IReadOnlyList<string> call) =>
        call[0] == "compose" ? "compose " + call.Skip(1).Where((a, i) => !a.StartsWith('-') && (i == 0 || call[i] != "--profile")).First() : call[0];

    private static void CheckCompose(string script, IReadOnlyList<string> call)
    {
        var services = Compose["services"].Entries;
        var definedProfiles = services.Values.SelectMany(s => s["profiles"].Items).Select(p => p.Text!).ToHashSet();
        var profiles = new List<string>();
        var i = 1;
        for (; call[i] == "--profile"; i += 2)
        {
            profiles.Add(call[i + 1]);
        }

        definedProfiles.Should().Contain(profiles, $"{script} enables profiles of docker-compose.yml");
        var subcommand = call[i];
        var valueFlags = new HashSet<string> { "--tail" };
        var named = new List<string>();
        for (i++; i < call.Count; i++)
        {
            if (valueFlags.Contains(call[i]))
            {
                i++;
            }
            else if (!call[i].StartsWith('-'))
            {
                named.Add(call[i]);
            }
        }

        foreach (var name in named)
        {
            services.Should().ContainKey(name, $"{script} runs `compose {subcommand}` on it");
            var own = services[name]["profiles"].Items.Select(p => p.Text!).ToList();
            (own.Count == 0 || own.Intersect(profiles).Any()).Should().BeTrue($"{script} enables a profile of {name} ({string.Join(", ", own)})");
        }
    }

    // Runs the script with a `docker` that records each call (one argument a line) and succeeds.
    private static async Task<List<List<string>>> RunWithRecordingDockerAsync(string script)
    {
        var bin = Directory.CreateTempSubdirectory("chatbot-docker-stub-").FullName;
        try
        {
            var log = Path.Combine(bin, "calls.log");
            var stub = Path.Combine(bin, "docker");
            await File.WriteAllTextAsync(stub, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> \"$DOCKER_CALLS\"\necho '<end>' >> \"$DOCKER_CALLS\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(Repo.PathOf($"{Folder}/{script}"));
            info.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
            info.Environment["DOCKER_CALLS"] = log;
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(cts.Token);
            process.ExitCode.Should().Be(0, $"{script}: {await output}{await error}");

            var calls = new List<List<string>> { new() };
            foreach (var line in File.Exists(log) ? await File.ReadAllLinesAsync(log) : [])
            {
                if (line == "<end>")
                {
                    calls.Add([]);
                }
                else
                {
                    calls[^1].Add(line);
                }
            }

            return calls.Where(c => c.Count > 0).ToList();
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }
}
