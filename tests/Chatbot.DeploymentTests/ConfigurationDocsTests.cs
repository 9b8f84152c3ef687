using System.Text.RegularExpressions;
using Chatbot.DeploymentTests.Support;
using Chatbot.Infrastructure.Configuration;

namespace Chatbot.DeploymentTests;

/// <summary>
/// The README's configuration table and env.example say what <see cref="Variables"/> declares: every variable,
/// nothing else, and the same default and rule.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static string Row(Variable v) => $"| `{v.Name}` | {v.Default} | {v.Rule} |";

    private static string Plain(string markdown) => markdown.Replace("`", string.Empty, StringComparison.Ordinal);

    [Test]
    public void The_README_table_lists_every_declared_variable_with_its_default_and_rule_in_order()
    {
        var lines = Repo.Read("README.md").Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.IndexOf("| variable | default | rule |");
        header.Should().BeGreaterThan(0, "the README has the configuration table");
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).ToList();

        rows.Should().Equal(
            Variables.All.Select(Row),
            "the table is the declaration in Variables.cs, row for row; expected:\n" + string.Join("\n", Variables.All.Select(Row)));
    }

    [Test]
    public void Env_example_lists_exactly_the_declared_variables_and_the_example_routes_key_variables()
    {
        var listed = Repo.VariablesOf(Repo.Read("env.example"));

        listed.Except(Repo.RouteKeyVariables).Should().BeEquivalentTo(Variables.All.Select(v => v.Name));
        listed.Should().Contain(Repo.RouteKeyVariables, "env.example shows where the example routes' keys go");
    }

    [Test]
    public void The_routes_key_variables_are_the_operator_s_own_not_declared_ones()
    {
        // A route's apiKeyEnv names a variable of the operator's; the service refuses one of its own there.
        Repo.RouteKeyVariables.Should().Contain("ANTHROPIC_API_KEY")
            .And.NotIntersectWith(Variables.All.Select(v => v.Name));
    }

    [Test]
    public void Env_example_gives_each_variable_its_declared_default()
    {
        var lines = Repo.Read("env.example").Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        foreach (var variable in Variables.All)
        {
            var at = Array.FindIndex(lines, l => VariableLine().Match(l) is { Success: true } m && m.Groups["name"].Value == variable.Name);
            at.Should().BeGreaterThanOrEqualTo(0, $"env.example lists {variable.Name}");

            // The comment block right above the variable's line.
            var block = lines.Take(at).Reverse().TakeWhile(l => l.StartsWith('#')).ToList();
            block.Should().Contain(
                l => l.Contains("Default: " + Plain(variable.Default), StringComparison.Ordinal),
                $"the comment above {variable.Name} says 'Default: {Plain(variable.Default)}'");
        }
    }

    [GeneratedRegex(@"^#?\s*(?<name>[A-Z][A-Z0-9_]+)=")]
    private static partial Regex VariableLine();
}
