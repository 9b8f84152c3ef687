using System.Net;
using System.Text;
using Chatbot.Infrastructure.Providers.OpenAiCompatible;

namespace Chatbot.UnitTests.Infrastructure.Providers.OpenAiCompatible;

/// <summary>The pieces <c>ProviderResponseGuard</c> reads a provider's event stream with.</summary>
public sealed class ServerSentEventStreamsTests
{
    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<string> ReadAllAsync(Stream stream, int bufferSize = 7)
    {
        var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    [TestCase("data: {\"a\":1}\n\ndata: [DONE]\n\n", "{\"a\":1}")]
    [TestCase("data: {\"a\":1}\r\n\r\n", "{\"a\":1}")]
    [TestCase("data:{\"a\":1}\r\rdata: x\r\r", "{\"a\":1}")]
    [TestCase(": keep-alive\n\nevent: error\ndata: {\"error\":\ndata: 1}\n\n", "{\"error\":\n1}")]
    [TestCase("data: a last event\n", "a last event")]
    public async Task The_head_is_the_first_event_with_data_and_everything_read_is_replayed(string stream, string firstData)
    {
        var head = await ServerSentEventHead.ReadAsync(Bytes(stream), CancellationToken.None);

        Encoding.UTF8.GetString(head.FirstData!.Value.Span).Should().Be(firstData);
        var replayed = new PrefixedStream(head.Bytes, Bytes(stream[Encoding.UTF8.GetString(head.Bytes.Span).Length..]));
        (await ReadAllAsync(replayed)).Should().Be(stream, "nothing read to look at the head is lost");
    }

    [Test]
    public async Task A_stream_without_any_data_has_no_head()
    {
        var head = await ServerSentEventHead.ReadAsync(Bytes(": ping\n\n: ping\n\n"), CancellationToken.None);

        head.FirstData.Should().BeNull();
        head.Bytes.Length.Should().Be(16);
    }

    [Test]
    public async Task Events_under_the_limit_pass_whatever_their_number()
    {
        var events = string.Concat(Enumerable.Repeat("data: 0123456789\n\n", 1000));
        using var limited = new EventSizeLimitStream(Bytes(events), 20, _ => new InvalidOperationException("too large"));

        (await ReadAllAsync(limited, 64)).Should().Be(events);
    }

    [TestCase("\n\n")]
    [TestCase("\r\n\r\n")]
    [TestCase("\r\r")]
    public async Task One_event_over_the_limit_fails_the_stream(string blankLine)
    {
        var events = "data: short" + blankLine + "data: " + new string('x', 100) + blankLine;
        using var limited = new EventSizeLimitStream(Bytes(events), 50, _ => new InvalidOperationException("too large"));

        var act = () => ReadAllAsync(limited);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("too large");
    }

    [TestCase("""{"error":{"type":"rate_limit_error","message":"x"}}""", HttpStatusCode.TooManyRequests)]
    [TestCase("""{"error":{"code":"rate_limit_exceeded"}}""", HttpStatusCode.TooManyRequests)]
    [TestCase("""{"error":{"type":"insufficient_quota"}}""", HttpStatusCode.TooManyRequests)]
    [TestCase("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", HttpStatusCode.ServiceUnavailable)]
    [TestCase("""{"error":{"type":"server_error"}}""", HttpStatusCode.InternalServerError)]
    [TestCase("""{"error":{"type":"authentication_error"}}""", HttpStatusCode.Unauthorized)]
    [TestCase("""{"error":{"message":"x","code":503}}""", HttpStatusCode.ServiceUnavailable)]
    [TestCase("""{"error":{"status":429}}""", HttpStatusCode.TooManyRequests)]
    [TestCase("""{"error":{"type":"invalid_request_error"}}""", HttpStatusCode.BadRequest)]
    public void A_providers_error_object_stands_for_its_status(string json, HttpStatusCode status) =>
        ProviderErrorBody.StatusOf(Encoding.UTF8.GetBytes(json)).Should().Be(status);

    [TestCase("""{"error":{"message":"something odd"}}""")]
    [TestCase("""{"error":"a string"}""")]
    [TestCase("""{"error":{"code":42}}""")]
    [TestCase("""{"choices":[]}""")]
    [TestCase("""[1,2]""")]
    [TestCase("not json")]
    public void Anything_else_stands_for_no_status(string json) =>
        ProviderErrorBody.StatusOf(Encoding.UTF8.GetBytes(json)).Should().BeNull();
}
