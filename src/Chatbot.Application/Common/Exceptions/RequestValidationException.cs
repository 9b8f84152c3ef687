namespace Chatbot.Application.Common.Exceptions;

/// <summary>A request broke one or more validation rules; <see cref="Errors"/> maps each field to its messages.</summary>
public sealed class RequestValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("One or more validation errors occurred.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
