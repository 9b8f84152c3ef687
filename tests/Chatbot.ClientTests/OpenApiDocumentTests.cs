using System.Text.Json.Nodes;

namespace Chatbot.ClientTests;

/// <summary>The committed docs/openapi.json, from which the client is generated, is what the service serves.</summary>
public sealed class OpenApiDocumentTests
{
    private const int MaxListedDifferences = 25;

    [Test]
    public async Task The_committed_document_equals_what_the_service_serves()
    {
        await using var api = ApiServer.StartEcho();
        using var http = api.NewHttpClient();
        var served = JsonNode.Parse(await http.GetStringAsync(new Uri("/openapi.json", UriKind.Relative)));

        var differences = JsonDiff.Between(CommittedDocument.Read(), served);

        if (differences.Count > 0)
        {
            var listed = string.Join(Environment.NewLine, differences.Take(MaxListedDifferences).Select(d => "  " + d));
            var more = differences.Count > MaxListedDifferences ? $"{Environment.NewLine}  ... and {differences.Count - MaxListedDifferences} more" : string.Empty;
            Assert.Fail(
                $"docs/openapi.json is out of date: it differs from what the service serves at /openapi.json in "
                + $"{differences.Count} place(s):{Environment.NewLine}{listed}{more}{Environment.NewLine}"
                + $"Refresh it with: {CommittedDocument.RefreshCommand}   (from the repository root; the generated client "
                + "follows on the next build). Committed file: " + CommittedDocument.Path);
        }
    }

    [Test]
    public void The_committed_document_has_no_server_address()
    {
        // The service removes `servers`, so that the document is the same on every host and port; the generated
        // client then takes its address from the HttpClient's BaseAddress.
        CommittedDocument.Read().AsObject().ContainsKey("servers").Should().BeFalse();
    }
}
