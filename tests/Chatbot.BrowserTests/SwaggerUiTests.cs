namespace Chatbot.BrowserTests;

/// <summary>Swagger UI at /docs, in a real browser: it renders the endpoints and "Try it out" reaches the service.</summary>
public sealed class SwaggerUiTests : BrowserFixture
{
    private ILocator Operation(string method, string path) =>
        Page.Locator($".opblock.opblock-{method}", new() { Has = Page.Locator($".opblock-summary-path[data-path='{path}']") });

    /// <summary>Opens /docs and unfolds the tag sections, as a reader clicks them: Swagger UI starts with them folded.</summary>
    private async Task OpenDocsAsync()
    {
        await Page.GotoAsync("/docs", new() { WaitUntil = WaitUntilState.NetworkIdle });
        foreach (var tag in new[] { "Question", "Health" })
        {
            var section = Page.Locator($".opblock-tag-section:has(h3[data-tag='{tag}'])");
            await Expect(section).ToBeVisibleAsync();
            if (!await section.Locator(".opblock").IsVisibleAsync())
            {
                await section.Locator("h3").ClickAsync();
            }
        }
    }

    [Test]
    public async Task The_docs_page_renders_the_question_and_health_endpoints()
    {
        await OpenDocsAsync();

        await Expect(Page.Locator(".swagger-ui .info .title")).ToContainTextAsync("LLM Chatbot API");
        await Expect(Operation("post", "/question")).ToBeVisibleAsync();
        await Expect(Operation("get", "/health")).ToBeVisibleAsync();
        await Expect(Operation("post", "/question").Locator(".opblock-summary-description")).ToHaveTextAsync("Ask the model a question.");
        ShouldNeedNothingFromTheInternet();
        await ScreenshotAsync("swagger-ui");
    }

    [Test]
    public async Task The_key_placeholders_of_the_descriptions_render_as_text()
    {
        // Unescaped, Markdown takes <key> for an HTML tag and shows "Authorization: Bearer " alone.
        await OpenDocsAsync();

        await Expect(Page.Locator(".swagger-ui .info")).ToContainTextAsync("Authorization: Bearer <key> or X-API-Key: <key>");
    }

    [Test]
    public async Task Try_it_out_on_question_shows_the_echo_answer_with_200()
    {
        await OpenDocsAsync();
        var question = Operation("post", "/question");
        await question.Locator(".opblock-summary").First.ClickAsync();

        await question.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).ClickAsync();
        await question.Locator("textarea.body-param__text").FillAsync("""{"text":"hello from the browser"}""");
        await question.GetByRole(AriaRole.Button, new() { Name = "Execute" }).ClickAsync();

        var liveResponse = question.Locator(".live-responses-table .response");
        await Expect(liveResponse.Locator(".response-col_status")).ToHaveTextAsync("200");
        await Expect(liveResponse.Locator(".response-col_description")).ToContainTextAsync("Echo: hello from the browser");
        await question.Locator(".request-url").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync("swagger-ui-try-it-out", fullPage: false);
        ShouldNeedNothingFromTheInternet();
    }
}
