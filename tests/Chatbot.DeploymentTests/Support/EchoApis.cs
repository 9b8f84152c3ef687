namespace Chatbot.DeploymentTests.Support;

/// <summary>
/// Two instances of the service (echo provider, offline) shared by the fixtures that need running APIs; told apart
/// by their model name, which <c>GET /health</c> reports. Started on first use, stopped by <see cref="DeploymentTestsTeardown"/>.
/// </summary>
public static class EchoApis
{
    public const string ModelA = "instance-a";
    public const string ModelB = "instance-b";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (ApiProcess A, ApiProcess B)? _started;

    public static async Task<(ApiProcess A, ApiProcess B)> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_started is { } running && !running.A.HasExited && !running.B.HasExited)
            {
                return running;
            }

            await StopCoreAsync();
            var a = await ApiProcess.StartAsync(Environment(ModelA));
            try
            {
                var b = await ApiProcess.StartAsync(Environment(ModelB));
                _started = (a, b);
                return (a, b);
            }
            catch
            {
                await a.DisposeAsync();
                throw;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task StopAsync()
    {
        await Gate.WaitAsync();
        try
        {
            await StopCoreAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task StopCoreAsync()
    {
        if (_started is { } running)
        {
            _started = null;
            await running.A.DisposeAsync();
            await running.B.DisposeAsync();
        }
    }

    private static Dictionary<string, string> Environment(string model) => new()
    {
        ["LLM_PROVIDER"] = "echo",
        ["LLM_MODEL"] = model,
    };
}
