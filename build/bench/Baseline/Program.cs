using Chatbot.Bench.Baseline;

// The bare forwarder the benchmark compares the service with:
//   POST /question {"text": "..."} -> POST {UPSTREAM_URL} (an OpenAI chat completion) -> {"text": "<content>"}
//   GET /health -> 200 {"status":"healthy"}
// Usage: UPSTREAM_URL=http://127.0.0.1:9100/v1/chat/completions Baseline --urls http://127.0.0.1:8100
var upstream = new Uri(Environment.GetEnvironmentVariable("UPSTREAM_URL") ?? "http://127.0.0.1:9100/v1/chat/completions");

// Same host defaults as the service (CreateBuilder), minus what the service adds on top.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new HealthResponse("healthy")));
app.MapPost("/question", async (QuestionRequest request, CancellationToken cancellationToken) =>
{
    var completion = await Upstream.CompleteAsync(upstream, request.Text ?? string.Empty, cancellationToken);
    var text = completion?.Choices is { Length: > 0 } choices ? choices[0].Message?.Content : null;
    return text is null ? Results.StatusCode(StatusCodes.Status502BadGateway) : Results.Ok(new AnswerResponse(text));
});
app.Run();
