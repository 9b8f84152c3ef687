namespace Chatbot.IntegrationTests.Infrastructure;

/// <summary>What every error body must be: RFC 9457, with status, title, detail and a trace id, and nothing internal.</summary>
public static class Problems
{
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? detail = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be((int)status, "the body was {0}", body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        ShouldNotLeak(body);

        var problem = JsonDocument.Parse(body).RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrWhiteSpace();
        if (detail is not null)
        {
            problem.GetProperty("detail").GetString().Should().Be(detail);
        }

        return problem;
    }

    /// <summary>OpenAI's 400 <c>invalid_request_error</c> naming <paramref name="param"/>; returns its <c>error</c> object.</summary>
    public static async Task<JsonElement> ShouldBeOpenAiInvalidRequestAsync(this HttpResponseMessage response, string param)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the body was {0}", text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
        error.GetProperty("type").GetString().Should().Be("invalid_request_error");
        error.GetProperty("param").GetString().Should().Be(param);
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        return error;
    }

    public static void ShouldNotLeak(string body)
    {
        body.Should().NotContain(ApiFactory.ApiKey, "no secret may reach a client");
        body.Should().NotContain("Exception", "no exception type name may reach a client");
        body.Should().NotContain("   at ", "no stack trace may reach a client");
        body.Should().NotContain("Chatbot.", "no internal type name may reach a client");
    }

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> AskAsync(this HttpClient client, string text) =>
        client.PostAsJsonAsync("/question", new { text });
}
