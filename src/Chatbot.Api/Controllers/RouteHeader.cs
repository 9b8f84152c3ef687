namespace Chatbot.Api.Controllers;

/// <summary><c>X-Route</c> on every answer: the route (the model name clients use) that served it, a cache hit's included.</summary>
public static class RouteHeader
{
    public const string Name = "X-Route";

    /// <summary>Sets the header; a route name is printable ASCII (the routes file's rule), anything else is left out.</summary>
    public static void Set(HttpResponse response, string? route)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!string.IsNullOrEmpty(route) && route.All(c => c is >= ' ' and <= '~'))
        {
            response.Headers[Name] = route;
        }
    }
}
