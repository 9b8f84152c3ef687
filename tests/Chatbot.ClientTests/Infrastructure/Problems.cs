namespace Chatbot.ClientTests.Infrastructure;

/// <summary>What every typed error of the generated client must carry: the status, and RFC 9457 problem details.</summary>
public static class Problems
{
    public static TProblem ShouldCarryProblem<TProblem>(this ApiException<TProblem> exception, int status, string detail)
        where TProblem : ProblemDetails
    {
        exception.StatusCode.Should().Be(status);
        var problem = exception.Result;
        problem.Status.Should().Be(status);
        problem.Title.Should().NotBeNullOrWhiteSpace();
        problem.Detail.Should().Be(detail);
        problem.AdditionalProperties.Should().ContainKey("traceId")
            .WhoseValue.Should().BeOfType<JsonElement>()
            .Which.GetString().Should().NotBeNullOrWhiteSpace();
        return problem;
    }
}
