namespace Chatbot.Infrastructure.Configuration;

/// <summary>Loads <c>.env</c> from the working directory into the process environment.</summary>
public static class DotEnvFile
{
    /// <summary>
    /// Reads <paramref name="directory"/>/.env if it exists. A variable already set in the environment wins
    /// over the file. Returns the path it read, or null.
    /// </summary>
    public static string? LoadInto(string directory)
    {
        var path = Path.Combine(directory, ".env");
        if (!File.Exists(path))
        {
            return null;
        }

        DotNetEnv.Env.NoClobber().Load(path);
        return path;
    }
}
