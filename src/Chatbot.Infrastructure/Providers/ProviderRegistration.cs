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
