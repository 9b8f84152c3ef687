namespace Chatbot.Api.Contracts;

/// <summary>A question for the model.</summary>
public sealed record QuestionRequest
{
    /// <summary>The question: 1 to 1024 characters (Unicode code points), not blank.</summary>
    public string? Text { get; init; }
}

/// <summary>The model's answer.</summary>
/// <param name="Text">The answer text.</param>
public sealed record AnswerResponse(string Text);

/// <summary>The service's state.</summary>
/// <param name="Status">Always <c>healthy</c> while the process answers.</param>
/// <param name="Timestamp">Now, in UTC (ISO-8601).</param>
/// <param name="Service">The service's name: <c>llm-chatbot-api</c>.</param>
/// <param name="Version">The service's version.</param>
/// <param name="Provider">The provider adapter that serves answers.</param>
/// <param name="Model">The model asked.</param>
/// <param name="UptimeSeconds">Seconds since the service started.</param>
public sealed record HealthResponse(
    string Status,
    DateTime Timestamp,
    string Service,
    string Version,
    string Provider,
    string Model,
    double UptimeSeconds);

/// <summary>One server-sent event of a streamed answer: <c>data: {"text":"&lt;piece&gt;"}</c>.</summary>
/// <param name="Text">The next piece of the answer.</param>
public sealed record StreamPiece(string Text);
