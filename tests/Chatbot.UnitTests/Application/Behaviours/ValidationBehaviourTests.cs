using Chatbot.Application.Common.Behaviours;
using Chatbot.Application.Common.Exceptions;
using Chatbot.Application.Questions.AskQuestion;
using FluentValidation;
using Mediator;

namespace Chatbot.UnitTests.Application.Behaviours;

public sealed class ValidationBehaviourTests
{
    private int _nextCalls;
    private CancellationToken _nextToken;

    [Test]
    public async Task A_failing_validator_throws_RequestValidationException_keyed_by_camel_case_property_and_never_calls_the_handler()
    {
        var behaviour = Behaviour(new AskQuestionCommandValidator());

        var act = async () => await behaviour.Handle(new AskQuestionCommand("   "), Next("unused"), CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<RequestValidationException>();
        thrown.Which.Errors.Should().ContainKey("text").And.NotContainKey("Text");
        thrown.Which.Errors["text"].Should().ContainSingle().Which.Should().NotBeNullOrWhiteSpace();
        _nextCalls.Should().Be(0);
    }

    [Test]
    public async Task A_passing_validator_calls_the_handler_exactly_once_with_the_token_and_returns_its_result()
    {
        var behaviour = Behaviour(new AskQuestionCommandValidator());
        using var cts = new CancellationTokenSource();

        var result = await behaviour.Handle(new AskQuestionCommand("hello"), Next("the answer"), cts.Token);

        result.Should().Be(new AskQuestionResult("the answer"));
        _nextCalls.Should().Be(1);
        _nextToken.Should().Be(cts.Token);
    }

    [Test]
    public async Task Without_validators_the_handler_is_called()
    {
        var behaviour = Behaviour();

        var result = await behaviour.Handle(new AskQuestionCommand(null), Next("unchecked"), CancellationToken.None);

        result.Text.Should().Be("unchecked");
        _nextCalls.Should().Be(1);
    }

    [Test]
    public async Task Two_validators_failing_on_the_same_property_have_their_messages_merged()
    {
        var first = new InlineValidator<AskQuestionCommand>();
        first.RuleFor(c => c.Text).Must(_ => false).WithMessage("first problem");
        var second = new InlineValidator<AskQuestionCommand>();
        second.RuleFor(c => c.Text).Must(_ => false).WithMessage("second problem");
        var behaviour = Behaviour(first, second);

        var act = async () => await behaviour.Handle(new AskQuestionCommand("x"), Next("unused"), CancellationToken.None);

        var thrown = await act.Should().ThrowAsync<RequestValidationException>();
        thrown.Which.Errors.Should().ContainSingle();
        thrown.Which.Errors["text"].Should().Equal("first problem", "second problem");
        _nextCalls.Should().Be(0);
    }

    [Test]
    public async Task One_failing_validator_among_passing_ones_is_enough_to_stop_the_request()
    {
        var failing = new InlineValidator<AskQuestionCommand>();
        failing.RuleFor(c => c.Text).Must(_ => false).WithMessage("nope");
        var behaviour = Behaviour(new AskQuestionCommandValidator(), failing);

        var act = async () => await behaviour.Handle(new AskQuestionCommand("fine"), Next("unused"), CancellationToken.None);

        (await act.Should().ThrowAsync<RequestValidationException>()).Which.Errors["text"].Should().Equal("nope");
        _nextCalls.Should().Be(0);
    }

    [Test]
    public async Task A_failure_of_the_first_validator_is_reported_once_when_a_later_validator_passes()
    {
        var failing = new InlineValidator<AskQuestionCommand>();
        failing.RuleFor(c => c.Text).Must(_ => false).WithMessage("nope");
        var behaviour = Behaviour(failing, new AskQuestionCommandValidator());

        var act = async () => await behaviour.Handle(new AskQuestionCommand("fine"), Next("unused"), CancellationToken.None);

        (await act.Should().ThrowAsync<RequestValidationException>()).Which.Errors["text"].Should().Equal("nope");
    }

    private static ValidationBehaviour<AskQuestionCommand, AskQuestionResult> Behaviour(
        params IValidator<AskQuestionCommand>[] validators) => new(validators);

    private MessageHandlerDelegate<AskQuestionCommand, AskQuestionResult> Next(string answer) =>
        (_, cancellationToken) =>
        {
            _nextCalls++;
            _nextToken = cancellationToken;
            return ValueTask.FromResult(new AskQuestionResult(answer));
        };
}
