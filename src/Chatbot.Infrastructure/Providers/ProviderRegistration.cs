using Chatbot.Application.Abstractions;
using Chatbot.Application.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chatbot.Infrastructure.Providers;

public static class ProviderRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TProvider"/> as the adapter named <paramref name="name"/>
    /// (the value of <c>LLM_PROVIDER</c> that selects it). Only the selected adapter is ever built.
    /// </summary>
    public static IServiceCollection AddChatProvider<TProvider>(this IServiceCollection services, string name)
        where TProvider : class, IChatCompletionProvider
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        GetCatalog(services).Add(name.ToLowerInvariant());
        services.TryAddSingleton<TProvider>();
        services.AddKeyedSingleton<IChatCompletionProvider>(name.ToLowerInvariant(), (sp, _) => sp.GetRequiredService<TProvider>());
        services.TryAddSingleton<IChatCompletionProvider>(sp =>
            sp.GetRequiredKeyedService<IChatCompletionProvider>(sp.GetRequiredService<IOptions<LlmOptions>>().Value.Provider));
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TProvider"/> as the adapter named <paramref name="name"/>, built by
    /// <paramref name="factory"/>: for an adapter whose constructor takes what one provider needs (its HttpClient, its
    /// options) rather than services. Only the selected adapter is ever built.
    /// </summary>
    public static IServiceCollection AddChatProvider<TProvider>(
        this IServiceCollection services, string name, Func<IServiceProvider, TProvider> factory)
        where TProvider : class, IChatCompletionProvider
    {
        ArgumentNullException.ThrowIfNull(factory);
        services.TryAddSingleton(factory);
        return services.AddChatProvider<TProvider>(name);
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
