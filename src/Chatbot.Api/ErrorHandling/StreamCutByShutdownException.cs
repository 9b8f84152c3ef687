namespace Chatbot.Api.ErrorHandling;

/// <summary>A stream still open when SHUTDOWN_TIMEOUT was running out, cut so it can end with a 503 (see StreamShutdown).</summary>
public sealed class StreamCutByShutdownException : Exception
{
    public StreamCutByShutdownException()
        : base("The stream was cut by shutdown.")
    {
    }

    public StreamCutByShutdownException(string message)
        : base(message)
    {
    }

    public StreamCutByShutdownException(Exception innerException)
        : base("The stream was cut by shutdown.", innerException)
    {
    }

    public StreamCutByShutdownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
