using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Chatbot.Api.Controllers;

/// <summary>
/// Gives <c>/v1/chat/completions</c> its own body limit (<c>CHAT_MAX_BODY_KB</c>, images come inline as base64) before
/// model binding reads the body; Kestrel's limit for every other endpoint stays 64 KiB. The framework's
/// <c>[RequestSizeLimit]</c> does the same with a constant; this one takes the configured value.
/// </summary>
public sealed class ChatBodyLimitFilter(long limitBytes) : IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limitBytes;
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
