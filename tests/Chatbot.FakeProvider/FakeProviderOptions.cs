namespace Chatbot.FakeProvider;

/// <summary>How a <see cref="FakeProviderServer"/> runs. Tests get the defaults; the standalone program sets the rest.</summary>
internal sealed record FakeProviderOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Record every request in <see cref="FakeProviderServer.Received"/> (tests). Off in standalone mode.</summary>
    public bool RecordRequests { get; init; } = true;

    /// <summary>Keep the counters (requests, completions, injected failures). Always on except plain --fast without --stats.</summary>
    public bool CountRequests { get; init; } = true;

    /// <summary>Answer completions with one pre-serialised body, without reading or recording the request.</summary>
    public bool Fast { get; init; }

    /// <summary>Extra delay per completion call, uniform in [LatencyMin, LatencyMax].</summary>
    public TimeSpan LatencyMin { get; init; }

    public TimeSpan LatencyMax { get; init; }

    /// <summary>Fraction of completion calls answered with a 500.</summary>
    public double Fail500Rate { get; init; }

    /// <summary>Fraction of completion calls answered with a 429 (<c>Retry-After: 1</c>).</summary>
    public double Fail429Rate { get; init; }

    public bool HasLatency => LatencyMax > TimeSpan.Zero;

    public bool InjectsFailures => Fail500Rate > 0 || Fail429Rate > 0;
}
