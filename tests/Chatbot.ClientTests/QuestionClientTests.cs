using Chatbot.Application.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Chatbot.ClientTests;

/// <summary>
/// The generated client against the service with the offline echo provider: answers come back typed, and every
/// error the service itself decides on comes back as a typed exception carrying the problem details.
/// </summary>
public sealed class QuestionClientTests
{
    private ApiServer _api = null!;
    private HttpClient _http = null!;
    private ChatbotApiClient _client = null!;

    [OneTimeSetUp]
    public void StartApi()
    {
        _api = ApiServer.StartEcho();
        _http = _api.NewHttpClient();
        _client = new ChatbotApiClient(_http);
    }

    [OneTimeTearDown]
    public async Task StopApi()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Test]
    [ProvokesStatus(200)]
    public async Task A_question_gets_its_typed_answer()
    {
        AnswerResponse answer = await _client.QuestionAsync(new QuestionRequest { Text = "What is the capital of France?" });

        answer.Text.Should().Be("Echo: What is the capital of France?");
    }

    [Test]
    public async Task Health_comes_back_typed_and_names_the_provider()
    {
        HealthResponse health = await _client.HealthAsync();

        health.Status.Should().Be("healthy");
        health.Service.Should().Be("llm-chatbot-api");
        health.Provider.Should().Be("echo");
        health.Timestamp.Should().NotBeNull();
        health.Timestamp!.Value.Offset.Should().Be(TimeSpan.Zero, "the timestamp is in UTC");
    }

    [TestCase("", "The text must not be empty.")]
    [TestCase("   ", "The text must not be blank.")]
    [ProvokesStatus(422)]
    public async Task An_invalid_text_is_a_typed_validation_problem_with_the_reason_under_text(string text, string reason)
    {
        var call = () => _client.QuestionAsync(new QuestionRequest { Text = text });

        var thrown = await call.Should().ThrowExactlyAsync<ApiException<HttpValidationProblemDetails>>();
        var problem = thrown.Which.ShouldCarryProblem(422, "One or more validation errors occurred.");
        problem.Errors.Should().NotBeNull().And.ContainKey("text");
        problem.Errors!["text"].Should().Equal(reason);
    }

    [Test]
    public async Task A_text_over_1024_code_points_is_a_typed_validation_problem()
    {
        var call = () => _client.QuestionAsync(new QuestionRequest { Text = new string('a', 1025) });

        var thrown = await call.Should().ThrowExactlyAsync<ApiException<HttpValidationProblemDetails>>();
        thrown.Which.Result.Errors!["text"].Should().Equal("The text must be at most 1024 characters long.");
    }

    [Test]
    [ProvokesStatus(413)]
    public async Task A_body_over_64_KiB_is_a_typed_problem_413()
    {
        var call = () => _client.QuestionAsync(new QuestionRequest { Text = new string('x', 70 * 1024) });

        var thrown = await call.Should().ThrowExactlyAsync<ApiException<ProblemDetails>>();
        thrown.Which.ShouldCarryProblem(413, "The request body is larger than the limit of 64 KiB.");
    }

    [Test]
    [ProvokesStatus(400)]
    public async Task Malformed_json_is_a_typed_problem_400()
    {
        using var http = _api.NewHttpClient(new RewriteRequest(request =>
            request.Content = new StringContent("""{"text": "unterminated""", System.Text.Encoding.UTF8, "application/json")));
        var client = new ChatbotApiClient(http);

        var call = () => client.QuestionAsync(new QuestionRequest { Text = "hi" });

        var thrown = await call.Should().ThrowExactlyAsync<ApiException<ProblemDetails>>();
        thrown.Which.ShouldCarryProblem(400, "The request body is not valid JSON.");
    }

    [Test]
    [ProvokesStatus(415)]
    public async Task A_body_that_is_not_json_is_a_typed_problem_415()
    {
        using var http = _api.NewHttpClient(new RewriteRequest(request =>
            request.Content!.Headers.ContentType = new("text/plain")));
        var client = new ChatbotApiClient(http);

        var call = () => client.QuestionAsync(new QuestionRequest { Text = "hi" });

        var thrown = await call.Should().ThrowExactlyAsync<ApiException<ProblemDetails>>();
        thrown.Which.ShouldCarryProblem(415, "The request body must be application/json.");
    }

    [Test]
    [ProvokesStatus(500)]
    public async Task An_unexpected_failure_is_a_typed_problem_500_without_its_details()
    {
        var broken = Substitute.For<IChatCompletionProvider>();
        broken.CompleteAsync(default!, default).ThrowsForAnyArgs(new InvalidOperationException("secret internal detail"));
        var routes = Substitute.For<IRouteProviders>();
        routes.For(default!).ReturnsForAnyArgs(broken);
        await using var api = ApiServer.StartEcho(services => services.AddSingleton(routes));
        using var http = api.NewHttpClient();
        var client = new ChatbotApiClient(http) { ReadResponseAsString = true };

        var call = () => client.QuestionAsync(new QuestionRequest { Text = "hi" });

        var thrown = await call.Should().ThrowExactlyAsync<ApiException<ProblemDetails>>();
        thrown.Which.ShouldCarryProblem(500, "Internal server error occurred");
        await broken.ReceivedWithAnyArgs(1).CompleteAsync(default!, default);
        thrown.Which.Response.Should().Contain("Internal server error occurred", "the body is kept as read")
            .And.NotContain("secret internal detail").And.NotContain("InvalidOperationException");
    }
}
