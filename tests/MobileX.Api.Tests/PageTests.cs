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
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(20_000);

        await page.GotoAsync(fixture.GatewayAddress.ToString());

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

        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var file = Path.Combine(screenshots, "mobilex-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 0);
        TestContext.Current.AddAttachment("mobilex-page.png", await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken), "image/png");
    }
}
