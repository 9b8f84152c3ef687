namespace Chatbot.Api.Diagnostics;

/// <summary>
/// <c>Chatbot.Api --healthcheck [url]</c>: asks a running instance's <c>/health</c> and exits 0 when it answers 200,
/// so a container's HEALTHCHECK needs no curl in the image.
/// </summary>
public static class HealthCheckProbe
{
    public const string Argument = "--healthcheck";

    public static async Task<int> RunAsync(string[] args)
    {
        var index = Array.IndexOf(args, Argument);
        var target = index + 1 < args.Length ? args[index + 1] : DefaultTarget();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = await client.GetAsync(new Uri(new Uri(target), "/health"));
            await Console.Out.WriteLineAsync($"{(int)response.StatusCode} from {target}/health");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Out.WriteLineAsync($"unhealthy: {target}/health did not answer ({ex.GetType().Name})");
            return 1;
        }
    }

    // The first of ASPNETCORE_URLS (wildcard hosts asked on loopback), else the default port.
    private static string DefaultTarget()
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        var first = string.IsNullOrWhiteSpace(urls) ? DependencyInjection.DefaultUrl : urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
        return first.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
