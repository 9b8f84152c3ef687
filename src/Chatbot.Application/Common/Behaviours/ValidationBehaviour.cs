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
    private readonly IValidator<TMessage>[] _validators = validators as IValidator<TMessage>[] ?? [.. validators];

    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (_validators.Length == 0)
        {
            return next(message, cancellationToken);
        }

        Dictionary<string, string[]>? errors = null;
        foreach (var validator in _validators)
        {
            // A context collects the failures of every validator it passes through: one each.
            // Validators here are synchronous rules over the message; no I/O, so no need to go async.
            var result = validator.Validate(new ValidationContext<TMessage>(message));
            if (result.IsValid)
            {
                continue;
            }

            errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var group in result.Errors.GroupBy(f => JsonNamingPolicy.CamelCase.ConvertName(f.PropertyName)))
            {
                var messages = group.Select(f => f.ErrorMessage);
                errors[group.Key] = errors.TryGetValue(group.Key, out var existing)
                    ? [.. existing, .. messages]
                    : [.. messages];
            }
        }

        return errors is null ? next(message, cancellationToken) : throw new RequestValidationException(errors);
    }
}
