using System.ComponentModel;
using System.Diagnostics;

namespace Chatbot.ClientTests.Infrastructure;

/// <summary>
/// The folder <c>tests/Chatbot.ClientTests/npm</c> of the checkout this assembly runs from: OpenAI's official npm SDK
/// (<c>openai</c>, pinned by its package-lock.json) and <c>openai-sdk.mjs</c>, which runs one case against a base URL.
/// Every process it starts is bounded by a timeout and killed with its children when it runs over.
/// </summary>
public static class NpmSdk
{
    /// <summary>The SDK version package.json pins (and the lock file holds).</summary>
    public const string SdkVersion = "7.55.0";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string> LazyFolder = new(FindFolder);

    /// <summary>Full path of the npm folder, found by walking up from the test assembly to the folder holding <c>Chatbot.sln</c>.</summary>
    public static string Folder => LazyFolder.Value;

    /// <summary>
    /// <c>npm ci</c> in <see cref="Folder"/>: installs exactly what package-lock.json says. Throws an
    /// <see cref="AssertionException"/> when node or npm is missing, npm fails, or it runs over its timeout.
    /// </summary>
    public static async Task InstallAsync()
    {
        var node = await RunAsync("node", ["--version"], TimeSpan.FromSeconds(30));
        node.ExitCode.Should().Be(0, $"`node --version` must work; it printed: {node.Stdout}{node.Stderr}");
        var npm = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], InstallTimeout);
        npm.ExitCode.Should().Be(0, $"`npm ci` in {Folder} must install the locked SDK; it printed: {npm.Stdout}{npm.Stderr}");

        var installed = Path.Combine(Folder, "node_modules", "openai", "package.json");
        using var package = JsonDocument.Parse(await File.ReadAllTextAsync(installed));
        package.RootElement.GetProperty("version").GetString().Should().Be(SdkVersion, "the lock file pins the SDK under test");
    }

    /// <summary>
    /// <c>node openai-sdk.mjs &lt;baseUrl&gt; &lt;name&gt;</c>: the one line of JSON it printed, parsed. Throws an
    /// <see cref="AssertionException"/> with the script's error when it exits non-zero or runs over its timeout.
    /// </summary>
    public static async Task<JsonElement> RunCaseAsync(Uri baseUrl, string name)
    {
        var run = await RunAsync("node", ["openai-sdk.mjs", baseUrl.ToString(), name], ScriptTimeout);
        run.ExitCode.Should().Be(0, $"the SDK's case '{name}' must succeed; it printed: {run.Stdout}{run.Stderr}");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle($"the script prints one line of JSON; it printed: {run.Stdout}");
        TestContext.Out.WriteLine($"openai-sdk.mjs {name}: {lines[0]}");
        using var document = JsonDocument.Parse(lines[0]);
        return document.RootElement.Clone();
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["npm_config_update_notifier"] = "false";

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new AssertionException($"`{program}` did not start.");
        }
        catch (Win32Exception e)
        {
            throw new AssertionException(
                $"`{program}` could not be started ({e.Message}): these tests need Node.js and npm on PATH (Debian: apt-get install nodejs npm).");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
                throw new AssertionException(
                    $"`{program} {string.Join(' ', arguments)}` did not finish within {timeout.TotalSeconds} s and was killed; " +
                    $"it printed: {Printed(stdout)}{Printed(stderr)}");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private static string Printed(Task<string> output) => output.IsCompletedSuccessfully ? output.Result : string.Empty;

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Chatbot.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "Chatbot.ClientTests", "npm");
            }
        }

        throw new DirectoryNotFoundException($"No Chatbot.sln above {AppContext.BaseDirectory}: the npm folder cannot be found.");
    }
}
