using Microsoft.Playwright;
using MobileX.Contracts;
using MobileX.Messaging;
using Xunit;

namespace MobileX.Api.Tests;

/// <summary>The web page through the gateway, in Debian's real headless Chromium driven by Playwright.</summary>
[Collection(ServingCollection.Name)]
public sealed class PageTests(ServingFixture fixture)
{
    // ./mobilex.sh test exports the browser its set-up chose (Debian's chromium deb; on Ubuntu a Chrome, a non-snap
    // Chromium or Playwright's build); a plain `dotnet test` on Debian finds the deb's.
    private static readonly string ChromiumPath =
        Environment.GetEnvironmentVariable("MOBILEX_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    [Fact]
    public async Task The_page_shows_the_grid_and_makes_an_avatar_with_its_lineage_and_honest_backend()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run ./mobilex.sh setup, or set MOBILEX_CHROMIUM to Chrome or Chromium.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(20_000);

        await page.GotoAsync(fixture.GatewayAddress.ToString());
        await SignInAsync(page);

        // Station 01's tile shows its latest processed bust, loaded through the gateway.
        var tile = page.Locator(".tile[data-station='01'] img");
        await tile.WaitForAsync();
        await page.WaitForFunctionAsync("() => { const i = document.querySelector(\".tile[data-station='01'] img\"); return i && i.complete && i.naturalWidth === 512; }");
        Assert.Equal(ServingFixture.StationCount, await page.Locator(".tile").CountAsync());
        Assert.Contains("no processed frame yet", await page.Locator(".tile[data-station='03']").InnerTextAsync(), StringComparison.Ordinal);

        // Every tile says how far preprocessing is behind; a station its capture reports failing turns red with the reason.
        Assert.Matches("up to date|behind: ", await page.Locator(".tile[data-station='01'] .lag").InnerTextAsync());
        var failing = new StationHealth(new StationId(7), StationHealthStates.Failing, "Station 07 has delivered no frame for 30 s: cannot store frames: refused",
            DateTimeOffset.UtcNow.AddSeconds(-30), null, 60, 0, DateTimeOffset.UtcNow);
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var reporter = Task.Run(async () =>
        {
            // As the capture does: a report every interval, so whichever replica the page asks has seen one.
            while (!reporting.IsCancellationRequested)
            {
                await fixture.JetStream.Connection.PublishAsync(Subjects.StationHealth(failing.StationId), failing, serializer: ContractSerializers.For<StationHealth>(), cancellationToken: TestContext.Current.CancellationToken);
                await Task.Delay(200, reporting.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, TestContext.Current.CancellationToken);
        await page.Locator(".tile.failing[data-station='07']").WaitForAsync();
        Assert.Contains("cannot store frames", await page.Locator(".tile[data-station='07'] .health").InnerTextAsync(), StringComparison.Ordinal);
        await reporting.CancelAsync();
        await reporter;

        await page.Locator(".tile[data-station='01']").ClickAsync();
        await page.FillAsync("#prompt", "Hero");
        await page.SelectOptionAsync("#style", "cartoon");
        await page.ClickAsync("#generate");

        await page.Locator("#result").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await page.WaitForFunctionAsync("() => { const i = document.getElementById('avatar'); return i.complete && i.naturalWidth === 512 && i.naturalHeight === 512; }");
        var backend = await page.Locator("#backend").InnerTextAsync();
        Assert.Contains("not Stable Diffusion", backend, StringComparison.Ordinal);
        var lineage = await page.Locator("#lineage").InnerTextAsync();
        Assert.Contains(fixture.Seeded["01"].Key, lineage, StringComparison.Ordinal);
        Assert.Contains("Hero", lineage, StringComparison.Ordinal);
        Assert.Contains("cartoon", lineage, StringComparison.Ordinal);

        await SaveScreenshotAsync(page, "mobilex-page.png");
    }

    [Fact]
    public async Task The_page_draws_each_station_s_coverage_from_the_model_s_snapshot()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run ./mobilex.sh setup, or set MOBILEX_CHROMIUM to Chrome or Chromium.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1200 } });
        page.SetDefaultTimeout(20_000);

        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var model = Task.Run(async () =>
        {
            // As the coverage model does: a fresh snapshot every interval, so every replica the page asks has one.
            while (!publishing.IsCancellationRequested)
            {
                await fixture.JetStream.Connection.PublishAsync(Subjects.CoverageTimeline, CoverageSamples.Timeline(DateTimeOffset.UtcNow),
                    serializer: ContractSerializers.For<CoverageTimeline>(), cancellationToken: ct);
                await Task.Delay(300, publishing.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, ct);
        try
        {
            await page.GotoAsync(fixture.GatewayAddress.ToString());
            await SignInAsync(page);

            await page.Locator(".coverage-row[data-station='03'] .segment.seen").WaitForAsync();
            Assert.Equal(["01", "02", "03"], await page.Locator(".coverage-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.station)"));

            // Station 01: three segments in window order, their widths the share of the window each covers.
            var segments = await page.Locator(".coverage-row[data-station='01'] .segment")
                .EvaluateAllAsync<SegmentBox[]>("parts => parts.map(p => ({ state: p.dataset.state, left: parseFloat(p.style.left), width: parseFloat(p.style.width) }))");
            Assert.Equal(["seen", "empty", "blind"], segments.Select(s => s.State));
            Assert.Equal([0d, 40d, 80d], segments.Select(s => Math.Round(s.Left, 1)));
            Assert.Equal([40d, 40d, 20d], segments.Select(s => Math.Round(s.Width, 1)));
            Assert.Equal(1, await page.Locator(".coverage-row[data-station='02'] .segment.blind").CountAsync());

            // The colours are also words: the bar's accessible name, the row's current state, and the legend.
            var label = await page.Locator(".coverage-row[data-station='01'] .bar").GetAttributeAsync("aria-label");
            Assert.Contains("seen 40%, empty 40%, blind 20%; now blind", label, StringComparison.Ordinal);
            Assert.Equal("img", await page.Locator(".coverage-row[data-station='01'] .bar").GetAttributeAsync("role"));
            Assert.Equal("seen", await page.Locator(".coverage-row[data-station='03'] .now").InnerTextAsync());
            var legend = await page.Locator("#coverage-section .legend").InnerTextAsync();
            Assert.Contains("seen", legend, StringComparison.Ordinal);
            Assert.Contains("empty", legend, StringComparison.Ordinal);
            Assert.Contains("blind", legend, StringComparison.Ordinal);
            Assert.Contains("reported", await page.Locator("#coverage-status").InnerTextAsync(), StringComparison.Ordinal);

            // The page loads no script from anywhere but its own origin.
            var scripts = await page.Locator("script[src]").EvaluateAllAsync<string[]>("s => s.map(e => e.src)");
            Assert.All(scripts, src => Assert.StartsWith(fixture.GatewayAddress.ToString(), src, StringComparison.Ordinal));

            await SaveScreenshotAsync(page, "mobilex-coverage.png");
        }
        finally
        {
            await publishing.CancelAsync();
            await model;
        }
    }

    /// <summary>A drawn segment as the page positioned it (Playwright fills it by property name).</summary>
    private sealed class SegmentBox
    {
        public string State { get; set; } = "";

        public double Left { get; set; }

        public double Width { get; set; }
    }

    /// <summary>
    /// Signs in through the page's form as a user would: first a wrong key (refused, the form stays), then the
    /// read-write key; the page then shows the app and keeps only an HttpOnly cookie that its script cannot read.
    /// </summary>
    private static async Task SignInAsync(IPage page)
    {
        await page.Locator("#sign-in-form").WaitForAsync();
        Assert.True(await page.Locator("#app").IsHiddenAsync());
        await page.FillAsync("#api-key", "wrong-key-of-enough-length");
        await page.ClickAsync("#sign-in");
        await page.WaitForFunctionAsync("() => document.getElementById('sign-in-status').textContent.includes('not a configured API key')");
        Assert.True(await page.Locator("#app").IsHiddenAsync());

        await page.FillAsync("#api-key", ServingFixture.ApiKey);
        await page.ClickAsync("#sign-in");
        await page.Locator("#app").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains("read and write", await page.Locator("#session-right").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "mobilex-session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var file = Path.Combine(screenshots, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 0);
        TestContext.Current.AddAttachment(name, await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken), "image/png");
    }
}
