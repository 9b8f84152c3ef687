using System.Text.Json;
using Chatbot.Application.Common.Exceptions;
using FluentValidation;
using Mediator;

namespace Chatbot.Application.Common.Behaviours;

/// <summary>Runs every validator of a message before its handler; all failures come back in one exception.</summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        MessageValidation.ThrowIfInvalid(_validators, message);
        return next(message, cancellationToken);
    }
}

/// <summary>The same for streamed messages: the stream fails before its first item.</summary>
public sealed class StreamValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IStreamPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IStreamMessage
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public IAsyncEnumerable<TResponse> Handle(
        TMessage message,
        StreamHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        MessageValidation.ThrowIfInvalid(_validators, message);
        return next(message, cancellationToken);
    }
}

internal static class MessageValidation
{
    public static void ThrowIfInvalid<TMessage>(IValidator<TMessage>[] validators, TMessage message)
    {
        Dictionary<string, string[]>? errors = null;
        foreach (var validator in validators)
        {
            // A context collects the failures of every validator it passes through: one each.
            // Validators here are synchronous rules over the message; no I/O, so no need to go async.
            var result = validator.Validate(new ValidationContext<TMessage>(message));
            if (result.IsValid)
            {
                continue;
            }

            errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var group in result.Errors.GroupBy(f => CamelCasePath(f.PropertyName)))
            {
                var messages = group.Select(f => f.ErrorMessage);
                errors[group.Key] = errors.TryGetValue(group.Key, out var existing)
                    ? [.. existing, .. messages]
                    : [.. messages];
            }
        }

        if (errors is not null)
        {
            throw new RequestValidationException(errors);
        }
    }

    // "Messages[0].Content" → "messages[0].content", as the JSON names them.
    private static string CamelCasePath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}
