using Chatbot.Api.ErrorHandling;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Chatbot.UnitTests.Api.ErrorHandling;

public sealed class BindingValidationInterceptorTests
{
    private readonly BindingValidationInterceptor _interceptor = new();
    private readonly ActionContext _action = new(new DefaultHttpContext(), new RouteData(), new ActionDescriptor());

    [Test]
    public void The_first_failure_of_a_failed_validation_is_kept_for_the_request_and_the_result_is_passed_on()
    {
        var result = new ValidationResult([new ValidationFailure("messages[2].role", "first"), new ValidationFailure("messages[10]", "second")]);

        var passedOn = _interceptor.AfterAspNetValidation(_action, Context(), result);

        passedOn.Should().BeSameAs(result);
        var first = BindingValidationInterceptor.FirstFailure(_action.HttpContext);
        first.Should().NotBeNull();
        first!.PropertyName.Should().Be("messages[2].role");
        first.ErrorMessage.Should().Be("first");
    }

    [Test]
    public void A_passed_validation_keeps_nothing()
    {
        _interceptor.AfterAspNetValidation(_action, Context(), new ValidationResult());

        BindingValidationInterceptor.FirstFailure(_action.HttpContext).Should().BeNull();
    }

    [Test]
    public void A_request_that_was_not_validated_has_no_failure() =>
        BindingValidationInterceptor.FirstFailure(new DefaultHttpContext()).Should().BeNull();

    [Test]
    public void The_validation_context_is_left_as_it_is()
    {
        var context = Context();

        _interceptor.BeforeAspNetValidation(_action, context).Should().BeSameAs(context);
    }

    private static ValidationContext<object> Context() => new(new object());
}
