using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Chatbot.Api.Controllers;

/// <summary>
/// A 200 whose body is <paramref name="value"/> written with its source-generated <paramref name="typeInfo"/>: the
/// wire format is fixed (OpenAI's JSON), so there is nothing for content negotiation to choose.
/// </summary>
internal sealed class WireJsonResult<T>(T value, JsonTypeInfo<T> typeInfo) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        return response.WriteAsJsonAsync(value, typeInfo, contentType: null, context.HttpContext.RequestAborted);
    }
}
