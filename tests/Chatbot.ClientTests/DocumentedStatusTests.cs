using System.Reflection;

namespace Chatbot.ClientTests;

/// <summary>Every status the document lists for <c>POST /question</c> has a test that provokes it through the client.</summary>
public sealed class DocumentedStatusTests
{
    [Test]
    public void Every_status_of_question_in_the_document_is_provoked_by_a_client_test()
    {
        var documented = CommittedDocument.QuestionStatuses();
        var provoked = typeof(DocumentedStatusTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Select(m => m.GetCustomAttribute<ProvokesStatusAttribute>())
            .OfType<ProvokesStatusAttribute>()
            .Select(a => a.Status)
            .ToHashSet();

        documented.Should().NotBeEmpty();
        documented.Where(status => !provoked.Contains(status)).Should().BeEmpty(
            "each status of POST /question in {0} needs a test marked [ProvokesStatus(status)] that shows what the "
            + "generated client makes of it", CommittedDocument.Path);
        provoked.Where(status => !documented.Contains(status)).Should().BeEmpty(
            "a status the service answers must be in the document, or the generated client throws an untyped ApiException");
    }

    [Test]
    public async Task Every_documented_error_status_maps_to_a_typed_exception_in_the_generated_client()
    {
        // The generated client decides by status alone: one that the document lists is thrown as ApiException<T>
        // with the body deserialized, anything else as the plain ApiException. A canned answer per status shows which.
        foreach (var status in CommittedDocument.QuestionStatuses().Where(s => s >= 400))
        {
            using var http = new HttpClient(new CannedAnswer(status)) { BaseAddress = new Uri("http://client.test/") };
            var client = new ChatbotApiClient(http);

            var call = () => client.QuestionAsync(new QuestionRequest { Text = "hi" });

            var exception = (await call.Should().ThrowAsync<ApiException>()).Which;
            exception.StatusCode.Should().Be(status);
            exception.GetType().IsGenericType.Should().BeTrue($"status {status} is documented, so its problem is typed");
            var result = exception.GetType().GetProperty(nameof(ApiException<ProblemDetails>.Result))!.GetValue(exception);
            result.Should().BeAssignableTo<ProblemDetails>().Which.Status.Should().Be(status);
        }
    }

    /// <summary>Answers every request with a problem+json body of the given status, without any network.</summary>
    private sealed class CannedAnswer(int status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = new StringContent(
                    $$"""{"type":"about:blank","title":"Status {{status}}","status":{{status}},"detail":"canned","traceId":"t"}""",
                    System.Text.Encoding.UTF8,
                    "application/problem+json"),
                RequestMessage = request,
            });
    }
}
