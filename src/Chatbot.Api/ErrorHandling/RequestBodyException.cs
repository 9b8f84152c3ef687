namespace Chatbot.Api.ErrorHandling;

/// <summary>What is wrong with a request body that could not be read at all (a 400), as model binding found it.</summary>
public enum RequestBodyFault
{
    /// <summary>Not JSON: a syntax error, a truncated document, trailing text.</summary>
    MalformedJson,

    /// <summary>Bytes that are not UTF-8 inside a JSON string.</summary>
    InvalidUtf8,

    /// <summary>Valid JSON, but not an object at the top (a string, a number, an array).</summary>
    NotAnObject,
}

/// <summary>
/// A request body model binding could not read (<see cref="RequestBodyFault"/>). Built from the model state, never
/// thrown: it goes to the same mapping as the exceptions the handler catches.
/// </summary>
public sealed class RequestBodyException : Exception
{
    public RequestBodyException()
        : this(RequestBodyFault.MalformedJson)
    {
    }

    public RequestBodyException(string message)
        : base(message)
    {
    }

    public RequestBodyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RequestBodyException(RequestBodyFault fault, Exception? innerException = null)
        : base(Text(fault), innerException) => Fault = fault;

    public RequestBodyFault Fault { get; }

    /// <summary>The client's text for <paramref name="fault"/>.</summary>
    public static string Text(RequestBodyFault fault) => fault switch
    {
        RequestBodyFault.InvalidUtf8 => ProblemTexts.InvalidUtf8,
        RequestBodyFault.NotAnObject => ProblemTexts.BodyNotAnObject,
        _ => ProblemTexts.MalformedJson,
    };
}
