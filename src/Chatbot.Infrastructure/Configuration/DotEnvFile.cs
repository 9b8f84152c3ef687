namespace Chatbot.Infrastructure.Configuration;

/// <summary>Loads <c>.env</c> from the working directory into the process environment.</summary>
public static class DotEnvFile
{
    /// <summary>
    /// Reads <paramref name="directory"/>/.env if it exists. A variable already set in the environment wins
    /// over the file. Returns the path it read, or null.
    /// </summary>
    /// <exception cref="DotEnvFileException">A line of the file cannot be read; the message names the file and line.</exception>
    public static string? LoadInto(string directory)
    {
        var path = Path.Combine(directory, ".env");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            DotNetEnv.Env.NoClobber().Load(path);
        }
        catch (Sprache.ParseException ex)
        {
            throw new DotEnvFileException($"{path} line {ex.Position.Line} is not VAR=value (or a comment): fix or remove it.", ex);
        }

        return path;
    }
}

/// <summary>A <c>.env</c> file that cannot be read; the message says which file and which line.</summary>
public sealed class DotEnvFileException(string message, Exception innerException) : Exception(message, innerException);
