using Chatbot.Application.Options;

namespace Chatbot.UnitTests.TestSupport;

/// <summary>Routes for tests of the Application: one route named like its model, as the service builds it without a routes file.</summary>
internal static class TestRoutes
{
    public static ChatRoute Of(LlmOptions options, string? name = null, params string[] fallbacks) =>
        new(name ?? options.Model, options, fallbacks, TimeSpan.FromSeconds(30), 5, null);

    public static RouteTable Table(params ChatRoute[] routes) => new(routes, routes[0].Model, filePath: null);
}
