namespace Chatbot.Infrastructure.Configuration;

/// <summary>What <c>--help</c> prints: how to run the service, then every variable with its default and rule.</summary>
public static class HelpText
{
    public const string Argument = "--help";

    public static void Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("Chatbot API: answers questions through an OpenAI-compatible LLM provider.");
        writer.WriteLine();
        writer.WriteLine("Usage: dotnet run --project src/Chatbot.Api [-- --urls http://host:port]");
        writer.WriteLine();
        writer.WriteLine("Settings come from environment variables, then from the first .env file found in the working");
        writer.WriteLine("directory or its parents (a variable set in the environment wins). Every variable:");
        foreach (var variable in Variables.All)
        {
            writer.WriteLine();
            writer.WriteLine("  " + variable.Name);
            writer.WriteLine("    default: " + Plain(variable.Default));
            writer.WriteLine("    rule:    " + Plain(variable.Rule));
        }

        writer.WriteLine();
        writer.WriteLine($"A routes file ({Variables.RoutesFile.Name}) names the variable that holds each route's key (apiKeyEnv):");
        writer.WriteLine("those variables are your own, not listed here, and are read from the same places.");
    }

    // The declaration is written for the README (Markdown); a terminal shows it without the backticks.
    private static string Plain(string markdown) => markdown.Replace("`", string.Empty, StringComparison.Ordinal);
}
