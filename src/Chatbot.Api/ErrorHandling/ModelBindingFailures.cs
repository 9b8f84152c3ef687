using System.Text;
using System.Text.Json;
using Chatbot.Application.Common.Exceptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.ErrorHandling;

/// <summary>
/// What model binding found wrong with a body, as the failure the rest of the API maps: a rule broken at binding or
/// a value of the wrong JSON type is a <see cref="RequestValidationException"/> naming the field (OpenAI's 400 on
/// <c>/v1</c>, 422 elsewhere, as the original service answered); a body that cannot be read at all is a
/// <see cref="RequestBodyException"/> (400). Told apart by the exceptions System.Text.Json threw, never by their text.
/// </summary>
public static class ModelBindingFailures
{
    public static Exception From(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (BindingValidationInterceptor.FirstFailure(context.HttpContext) is { } failure)
        {
            return Invalid(failure.PropertyName, failure.ErrorMessage);
        }

        var json = context.ModelState.Values
            .Where(entry => entry.ValidationState == ModelValidationState.Invalid)
            .SelectMany(entry => entry.Errors)
            .Select(error => JsonFailure(error.Exception))
            .FirstOrDefault(exception => exception is not null);
        if (json is null)
        {
            return new RequestBodyException(RequestBodyFault.MalformedJson);
        }

        // Reading a string that is not UTF-8 fails in the decoder, under whatever the serializer wrapped it in.
        if (Causes(json).Any(cause => cause is DecoderFallbackException))
        {
            return new RequestBodyException(RequestBodyFault.InvalidUtf8, json);
        }

        // Utf8JsonReader's syntax errors are JsonExceptions of their own, which the serializer wraps with the path.
        if (json.InnerException is JsonException)
        {
            return new RequestBodyException(RequestBodyFault.MalformedJson, json);
        }

        // What is left is valid JSON the contract's type could not take: at the top, or under a field.
        var field = FieldOf(json.Path);
        return field.Length == 0
            ? new RequestBodyException(RequestBodyFault.NotAnObject, json)
            : Invalid(field, WrongTypeMessage(context, field));
    }

    /// <summary>
    /// The JSON failure behind a model state error. It is there because <c>AllowInputFormatterExceptionMessages</c> is
    /// off (<see cref="ProblemDetailsSetup"/>); with it on, MVC would keep only the message.
    /// </summary>
    private static JsonException? JsonFailure(Exception? exception) => exception switch
    {
        JsonException json => json,
        InputFormatterException { InnerException: JsonException json } => json,
        _ => null,
    };

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }

    // "$.messages[0].role" → "messages[0].role"; "$" or none → "".
    private static string FieldOf(string? path) =>
        path is null or "$" ? string.Empty : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string WrongTypeMessage(ActionContext context, string field)
    {
        var body = context.ActionDescriptor.Parameters.FirstOrDefault(p => p.BindingInfo?.BindingSource == BindingSource.Body)?.ParameterType;
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
        var expected = body is null ? null : JsonTypeNames.Expected(options, body, field);
        return expected is null ? $"'{field}' has the wrong JSON type." : $"'{field}' must be {expected}.";
    }

    private static RequestValidationException Invalid(string field, string message) =>
        new(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });
}
