namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// Loads a <c>.env</c> file into the process environment: the one <c>DOTENV_FILE</c> names, else the first found in
/// the working directory or its parents (so <c>cp env.example .env</c> at the repository root works with
/// <c>dotnet run --project src/Chatbot.Api</c>). A variable already set in the environment wins over the file.
/// </summary>
public static class DotEnvFile
{
    public const string FileName = ".env";

    /// <summary>Loads the file for <paramref name="directory"/>; returns the path it read, or null.</summary>
    /// <exception cref="DotEnvFileException">The file cannot be read; the message names the file and line.</exception>
    public static string? LoadInto(string directory)
    {
        var path = Locate(directory);
        if (path is null)
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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DotEnvFileException($"{path} cannot be read ({ex.GetType().Name}).", ex);
        }

        return path;
    }

    /// <summary>The file <see cref="LoadInto"/> would read, or null.</summary>
    public static string? Locate(string directory)
    {
        var chosen = Environment.GetEnvironmentVariable(Variables.DotEnvFile.Name)?.Trim();
        if (string.Equals(chosen, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!string.IsNullOrEmpty(chosen))
        {
            var full = Path.GetFullPath(chosen, directory);
            return File.Exists(full)
                ? full
                : throw new DotEnvFileException($"{Variables.DotEnvFile.Name} names '{full}', which does not exist (use 'none' to read no file).", null);
        }

        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A <c>.env</c> file that cannot be read; the message says which file and which line.</summary>
public sealed class DotEnvFileException(string message, Exception? innerException) : Exception(message, innerException);
