using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Configuration;

/// <summary>
/// The one reader of the service's variables: the configuration (environment, then <c>.env</c>, which
/// <see cref="DotEnvFile"/> loaded without overwriting it), checked against each <see cref="Variable"/>'s
/// declaration. A bad value is remembered as one line naming the variable, and its default is used meanwhile,
/// so every bad value is reported at once by <see cref="ThrowIfInvalid{TOptions}"/>.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The value as set, even empty or blank; null when the variable is not set at all.</summary>
    public string? Raw(Variable variable) => configuration[variable.Name];

    /// <summary>The value, or null when it is not set or empty (as a copied env.example leaves it).</summary>
    public string? Text(Variable variable) => Raw(variable) is { } raw && !string.IsNullOrWhiteSpace(raw) ? raw : null;

    /// <summary>
    /// A variable the operator named instead of the service declaring it: the one holding a route's key, which a
    /// routes file names in its <c>apiKeyEnv</c>. Read from the same configuration as every declared variable (the
    /// environment, <c>.env</c>, a test's in-memory settings); null when it is not set or empty.
    /// </summary>
    public string? OperatorVariable(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return configuration[name] is { } raw && !string.IsNullOrWhiteSpace(raw) ? raw : null;
    }

    public bool Flag(FlagVariable variable)
    {
        var raw = Text(variable);
        switch (raw?.Trim().ToLowerInvariant())
        {
            case null:
                return variable.DefaultValue;
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                Fail(variable, $"must be true or false, got '{raw}'.");
                return variable.DefaultValue;
        }
    }

    public double Number(NumberVariable variable)
    {
        var raw = Text(variable);
        if (raw is null)
        {
            return variable.DefaultValue;
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && variable.Accepts(value))
        {
            return value;
        }

        Fail(variable, $"must be {variable.Bounds}, got '{raw}'.");
        return variable.DefaultValue;
    }

    /// <summary>The value, or the declared default (which may be none) when unset or bad.</summary>
    public int? WholeNumber(WholeNumberVariable variable)
    {
        var raw = Text(variable);
        if (raw is null)
        {
            return variable.DefaultValue;
        }

        if (int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value >= variable.Min && value <= variable.Max)
        {
            return value;
        }

        Fail(variable, $"must be {variable.Bounds}, got '{raw}'.");
        return variable.DefaultValue;
    }

    /// <summary>Records that <paramref name="variable"/> breaks its rule; <paramref name="mustBe"/> goes after its name.</summary>
    public void Fail(Variable variable, string mustBe) => _errors.Add(variable.Name + " " + mustBe);

    /// <summary>Throws <see cref="OptionsValidationException"/> with every line recorded so far, if there is one.</summary>
    public void ThrowIfInvalid<TOptions>()
    {
        if (_errors.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TOptions), _errors);
        }
    }
}
