using System.Diagnostics;
using System.Globalization;

namespace Chatbot.DeploymentTests.Support;

/// <summary>POSIX signals to a child process, through the shell's built-in <c>kill</c> (no procps needed).</summary>
public static class Signals
{
    public static async Task SendAsync(int pid, string signal)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"kill -{signal} {pid}"));
        using var kill = Process.Start(info) ?? throw new InvalidOperationException("/bin/sh did not start");
        var error = await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed: {error}");
        }
    }
}
