using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Providers;

public static class ProviderRegistration
{
    /// <summary>
    /// Registers an adapter under <paramref name="name"/> (the value of <c>LLM_PROVIDER</c>, or of a route's
    /// <c>provider</c>, that selects it). <paramref name="create"/> builds it for one route, from the route's HttpClient
    /// (its retries, timeout, circuit breaker and response guard already on it) and the route's options; only the
    /// adapters some route names are ever built.
    /// </summary>
    public static IServiceCollection AddChatProvider(this IServiceCollection services, string name, ChatProviderFactory create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        GetCatalog(services).Add(name.ToLowerInvariant(), create);
        services.TryAddSingleton(ProviderPrimaryHandler.Sockets);
        services.TryAddSingleton<RouteProviders>();
        services.TryAddSingleton<IRouteProviders>(sp => sp.GetRequiredService<RouteProviders>());

        // The default route's adapter, for whoever asks for "the" provider.
        services.TryAddSingleton<IChatCompletionProvider>(sp =>
            sp.GetRequiredService<RouteProviders>().For(sp.GetRequiredService<IOptions<RouteTable>>().Value.Default));
        return services;
    }

    internal static ProviderCatalog GetCatalog(IServiceCollection services)
    {
        var catalog = services.FirstOrDefault(d => d.ServiceType == typeof(ProviderCatalog))?.ImplementationInstance as ProviderCatalog;
        if (catalog is null)
        {
            catalog = new ProviderCatalog();
            services.AddSingleton(catalog);
        }

        return catalog;
    }
}
