using System.Globalization;
using System.Text.Json;
using MobileX.Cli.Tests.Infrastructure;
using MobileX.Contracts;

namespace MobileX.Cli.Tests.Listing;

[Collection(LakeCollection.Name)]
public sealed class LsTests(LakeFixture lake)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StationListingShowsItsFramesInOrderWithinTheRange()
    {
        var from = new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero);

        var run = await InProcessCli.RunAsync(["ls", "--station", "04", "--stage", "processed", "--from", "2026-11-30T23:00Z", "--to", "2026-12-01T01:00Z", "--json"],
            lake.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = lake.Expected(FrameStage.Processed, from, to, LakeFixture.Station04);
        var rows = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(expected.Select(f => f.FrameId.ToString()), rows.Select(r => r.GetProperty("frameId").GetString()));
        foreach (var (frame, row) in expected.Zip(rows))
        {
            Assert.Equal("04", row.GetProperty("station").GetString());
            Assert.Equal(ObjectKeys.Processed(frame.Station, frame.RawKey), row.GetProperty("key").GetString());
            Assert.Equal(frame.Bust!.Length, row.GetProperty("size").GetInt64());
            Assert.Equal(frame.CapturedAt, row.GetProperty("capturedAt").GetDateTimeOffset());
        }
    }

    [Fact]
    public async Task LimitStopsTheTable()
    {
        var run = await InProcessCli.RunAsync(["ls", "--station", "03", "--limit", "4"], lake.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("station\tstage\tframeId\tcapturedAt\tkey\tsize", lines[0]);
        Assert.Equal(lake.Frames.Where(f => f.Station == LakeFixture.Station03).OrderBy(f => f.CapturedAt).Take(4).Select(f => f.FrameId.ToString()),
            lines.Skip(1).Select(l => l.Split('\t')[2]));
    }

    [Fact]
    public async Task SummaryCountsEachStationsFramesPerStage()
    {
        var run = await InProcessCli.RunAsync(["ls", "--from", LakeFixture.Start.ToString("O", CultureInfo.InvariantCulture), "--to", "2026-12-01T02:00Z"],
            lake.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("station\traw\tprocessed\trejected", lines[0]);
        foreach (var station in new[] { LakeFixture.Station03, LakeFixture.Station04 })
        {
            var frames = lake.Frames.Where(f => f.Station == station).ToList();
            Assert.Contains($"{station}\t{frames.Count}\t{frames.Count(f => f.Processed)}\t{frames.Count(f => f.Rejected)}", lines);
        }
    }
}
