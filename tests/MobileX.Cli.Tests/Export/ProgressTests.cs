using MobileX.Cli.Export;

namespace MobileX.Cli.Tests.Export;

public sealed class ProgressTests
{
    [Fact]
    public async Task TerminalGetsABarRedrawnInPlace()
    {
        var error = new StringWriter();
        var progress = new ExportProgress(new CliContext { Out = TextWriter.Null, Error = error, ErrorIsTerminal = true });
        for (var i = 0; i < 10; i++)
        {
            progress.Listed();
        }

        for (var i = 0; i < 4; i++)
        {
            progress.Written(100);
        }

        await Task.Delay(1000, TestContext.Current.CancellationToken);
        progress.ListingComplete();
        await Task.Delay(700, TestContext.Current.CancellationToken);
        await progress.DisposeAsync();

        var text = error.ToString();
        Assert.Contains("\r[############..................] 4/10+ frames", text, StringComparison.Ordinal);
        Assert.Contains("4/10 frames", text, StringComparison.Ordinal);
        Assert.Contains("frames/s  ETA 0:", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
    }

    [Fact]
    public async Task LogGetsPlainLines()
    {
        var error = new StringWriter();
        var progress = new ExportProgress(new CliContext { Out = TextWriter.Null, Error = error, ErrorIsTerminal = false, ProgressInterval = TimeSpan.FromMilliseconds(100) });
        progress.Listed();
        progress.Listed();
        progress.Skip();
        progress.ListingComplete();
        await Task.Delay(700, TestContext.Current.CancellationToken);
        await progress.DisposeAsync();

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(@"^export: 1/2 frames, [0-9.]+ frames/s, ETA [0-9:]+, 1 skipped$", l));
        Assert.DoesNotContain('\r', error.ToString());
    }
}
