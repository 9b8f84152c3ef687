using System.Reflection;
using Chatbot.Application;
using Chatbot.Domain.Chat;
using FluentAssertions;
using NetArchTest.Rules;
using NUnit.Framework;

namespace Chatbot.ArchitectureTests;

/// <summary>Dependencies point inward only: Domain ← Application ← Infrastructure, Api.</summary>
public sealed class LayerDependencyTests
{
    private static readonly Assembly Domain = typeof(ChatMessage).Assembly;
    private static readonly Assembly Application = typeof(ApplicationAssemblyMarker).Assembly;
    private static readonly Assembly Infrastructure = typeof(Chatbot.Infrastructure.DependencyInjection).Assembly;
    private static readonly Assembly Api = typeof(Program).Assembly;

    private static void ShouldNotDependOn(Assembly assembly, params string[] forbidden)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        result.IsSuccessful.Should().BeTrue(
            "{0} must not depend on {1}, but these types do: {2}",
            assembly.GetName().Name,
            string.Join(", ", forbidden),
            string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Test]
    public void Domain_depends_on_nothing_of_ours_and_not_on_aspnet() =>
        ShouldNotDependOn(Domain,
            "Chatbot.Application", "Chatbot.Infrastructure", "Chatbot.Api",
            "Microsoft.AspNetCore", "Microsoft.Extensions", "Mediator", "FluentValidation", "Betalgo", "Polly");

    [Test]
    public void Application_does_not_depend_on_infrastructure_api_aspnet_betalgo_or_polly() =>
        ShouldNotDependOn(Application,
            "Chatbot.Infrastructure", "Chatbot.Api", "Microsoft.AspNetCore", "Betalgo", "Polly", "System.Net.Http");

    [Test]
    public void Application_knows_the_cache_and_redis_only_through_its_ports() =>
        ShouldNotDependOn(Application,
            "StackExchange.Redis", "RedisRateLimiting", "Microsoft.Extensions.Caching", "HealthChecks");

    [Test]
    public void Infrastructure_does_not_depend_on_api() =>
        ShouldNotDependOn(Infrastructure, "Chatbot.Api", "Microsoft.AspNetCore");

    [Test]
    public void The_assemblies_reference_each_other_only_inward()
    {
        static IEnumerable<string> References(Assembly assembly) =>
            assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Chatbot.", StringComparison.Ordinal));

        References(Domain).Should().BeEmpty();
        References(Application).Should().BeEquivalentTo(["Chatbot.Domain"]);
        References(Infrastructure).Should().BeSubsetOf(["Chatbot.Domain", "Chatbot.Application"]);
        References(Api).Should().NotContain("Chatbot.IntegrationTests");
    }

    [Test]
    public void The_rules_see_the_types_they_judge()
    {
        // Guards the tests above against passing on an empty or wrong assembly.
        Types.InAssembly(Domain).GetTypes().Should().Contain(typeof(ChatMessage));
        Types.InAssembly(Application).GetTypes().Should().HaveCountGreaterThan(5);
        Types.InAssembly(Infrastructure).That().HaveNameEndingWith("Provider").GetTypes().Should().NotBeEmpty();
    }

    [Test]
    public void Handlers_and_messages_are_sealed()
    {
        var result = Types.InAssembly(Application)
            .That().AreClasses().And().AreNotAbstract()
            .And().HaveNameMatching("(Handler|Command|Validator)$")
            .Should().BeSealed().GetResult();

        result.IsSuccessful.Should().BeTrue("these are not sealed: {0}", string.Join(", ", result.FailingTypeNames ?? []));
    }
}
