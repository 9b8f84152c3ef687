namespace Chatbot.BrowserTests;

/// <summary>ReDoc at /redoc, in a real browser without the internet: it renders the API and its operations.</summary>
public sealed class ReDocTests : BrowserFixture
{
    [Test]
    public async Task The_redoc_page_renders_the_api_title_and_the_question_operation()
    {
        await Page.GotoAsync("/redoc", new() { WaitUntil = WaitUntilState.NetworkIdle });

        ShouldNeedNothingFromTheInternet();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("LLM Chatbot API");
        var question = Page.GetByRole(AriaRole.Link, new() { Name = "post /question", Exact = true });
        await Expect(question).ToBeVisibleAsync();

        await question.ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Ask the model a question." })).ToBeVisibleAsync();
        await ScreenshotAsync("redoc");
        ShouldNeedNothingFromTheInternet();
    }

    [Test]
    public async Task The_key_placeholders_of_the_descriptions_render_as_text()
    {
        // Unescaped, Markdown takes <key> for an HTML tag and shows "Authorization: Bearer " alone.
        await Page.GotoAsync("/redoc", new() { WaitUntil = WaitUntilState.NetworkIdle });

        await Expect(Page.GetByText("Authorization: Bearer <key>", new() { Exact = true }).First).ToBeVisibleAsync();
        await Expect(Page.GetByText("X-API-Key: <key>", new() { Exact = true }).First).ToBeVisibleAsync();
    }
}
