using System.Text.Json;

namespace Chatbot.Api;

/// <summary>The JSON the API writes by hand (streams): the same web defaults MVC uses.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
