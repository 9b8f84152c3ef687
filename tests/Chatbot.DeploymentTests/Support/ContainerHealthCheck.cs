using System.Diagnostics;
using System.Text;

namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// Runs a container health-check command (Docker / Compose / ECS <c>["CMD", ...]</c> form) here, as the container
/// would: in the service's folder (the image's WORKDIR /app), with the container's ASPNETCORE_URLS.
/// </summary>
public static class ContainerHealthCheck
{
    /// <summary>The command without its leading <c>CMD</c>; fails on the shell forms, which need a shell the image may lack.</summary>
    public static IReadOnlyList<string> Command(IReadOnlyList<string> test)
    {
        test.Should().NotBeEmpty();
        test[0].Should().Be("CMD", "the exec form runs without a shell or tools in the image");
        return test.Skip(1).ToList();
    }

    /// <summary>Runs the command with <c>ASPNETCORE_URLS=<paramref name="aspNetCoreUrls"/></c> and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> command, string aspNetCoreUrls)
    {
        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = ApiProcess.ApplicationDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in Repo.ServiceVariables)
        {
            info.Environment.Remove(name);
        }

        info.Environment["ASPNETCORE_URLS"] = aspNetCoreUrls;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command[0]} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new AssertionException($"The health check '{string.Join(' ', command)}' did not finish.");
        }

        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        return (process.ExitCode, output);
    }

    /// <summary>The port of a URL like <c>http://+:8000</c>.</summary>
    public static int PortOf(string url) => int.Parse(url[(url.LastIndexOf(':') + 1)..].TrimEnd('/'), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same URL with another port.</summary>
    public static string WithPort(string url, int port) =>
        url[..(url.LastIndexOf(':') + 1)] + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
