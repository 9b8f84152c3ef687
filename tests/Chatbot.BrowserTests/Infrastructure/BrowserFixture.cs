namespace Chatbot.BrowserTests.Infrastructure;

/// <summary>
/// Debian's headless Chromium, driven by Playwright, against the API on real Kestrel with the echo provider.
/// Only loopback requests leave the browser: the pages must work without the internet.
/// </summary>
public abstract class BrowserFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly List<(string Url, string ResourceType)> _blockedRequests = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private EchoApiServer? _api;
    private IBrowserContext? _context;

    protected EchoApiServer Api => _api!;

    protected IPage Page { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartBrowserAndApi()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Ignore("install Debian's chromium: apt-get install -y chromium");
        }

        // Two cores may run other test assemblies beside this one: give the pages time rather than flake.
        SetDefaultExpectTimeout(30_000);
        _api = EchoApiServer.Start();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    [OneTimeTearDown]
    public async Task StopBrowserAndApi()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    [SetUp]
    public async Task OpenPage()
    {
        _blockedRequests.Clear();
        _context = await _browser!.NewContextAsync(new() { BaseURL = Api.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        _context.SetDefaultTimeout(30_000);
        await _context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.IsLoopback || url.Scheme is "data" or "blob")
            {
                await route.ContinueAsync();
            }
            else
            {
                lock (_blockedRequests)
                {
                    _blockedRequests.Add((route.Request.Url, route.Request.ResourceType));
                }

                await route.AbortAsync("internetdisconnected");
            }
        });
        Page = await _context.NewPageAsync();
    }

    [TearDown]
    public async Task ClosePage()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && Page is not null)
        {
            // What the page showed when the test failed, for whoever reads the result.
            await ScreenshotAsync("failed-" + TestContext.CurrentContext.Test.MethodName, fullPage: false);
        }

        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        if (_blockedRequests.Count > 0)
        {
            TestContext.Out.WriteLine("Requests off this machine, blocked: " + string.Join(", ", _blockedRequests.Select(r => r.Url)));
        }
    }

    /// <summary>
    /// So far the page asked for no script from off this machine and sent no request there: it works offline.
    /// Fonts, style sheets and images from elsewhere only change the looks, and are let be.
    /// </summary>
    protected void ShouldNeedNothingFromTheInternet()
    {
        lock (_blockedRequests)
        {
            _blockedRequests.Where(r => r.ResourceType is "script" or "fetch" or "xhr" or "websocket" or "eventsource")
                .Select(r => $"{r.ResourceType} {r.Url}")
                .Should().BeEmpty("the page's scripts must be served by the service itself, and it must send nothing elsewhere");
        }
    }

    /// <summary>Saves a screenshot (of the whole page, or of what the window shows) into the test's output folder and attaches it to the result.</summary>
    protected async Task<string> ScreenshotAsync(string name, bool fullPage = true)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await Page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        TestContext.AddTestAttachment(path, name);
        return path;
    }
}
