using System.Globalization;
using System.Text.Json;
using MobileX.Cli.Tests.Infrastructure;
using MobileX.Contracts;

namespace MobileX.Cli.Tests.Export;

/// <summary>An object whose bytes changed after its sha256 was set is skipped, reported and counted, never exported.</summary>
[Collection(LakeCollection.Name)]
public sealed class IntegrityTests(LakeFixture lake) : IDisposable
{
    // Station 07 in June 2025: apart from the other tests' station and range, so their expectations hold.
    private static readonly StationId Station07 = new(7);
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDirectories _directories = new();

    [Theory]
    [InlineData("processed")]
    [InlineData("raw")]
    public async Task ChangedObjectIsSkippedAndReported(string stage)
    {
        var ct = TestContext.Current.CancellationToken;
        var frames = await lake.Seeder.SeedAsync(Station07, stage == "raw" ? Start : Start.AddHours(3), TimeSpan.FromMinutes(5), 10, rejectEvery: 0, seed: 70 + stage.Length, ct);
        var bad = frames[4];
        var (bucket, key) = stage == "raw" ? (Buckets.Station(Station07), bad.RawKey) : (Buckets.Processed, ObjectKeys.Processed(Station07, bad.RawKey));
        await lake.Seeder.CorruptAsync(bucket, key, ct);
        var dir = _directories.New();
        var from = frames[0].CapturedAt.AddSeconds(-1);
        var to = frames[^1].CapturedAt.AddSeconds(1);

        var run = await InProcessCli.RunAsync(["export", "--station", "07", "--stage", stage, "--from", Iso(from), "--to", Iso(to), "--out", dir, "--shard-size", "3"],
            lake.Environment, cancellationToken: ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("samples 9,", run.Out, StringComparison.Ordinal);
        Assert.Contains("skipped 1", run.Out, StringComparison.Ordinal);
        Assert.Contains($"skipped 07/{bad.FrameId} ({bucket}/{key}): sha256 of {bucket}/{key} is ", run.Out, StringComparison.Ordinal);
        Assert.Contains($"skipped 07/{bad.FrameId}", run.Error, StringComparison.Ordinal);
        var contents = ExportContents.Read(dir);
        var samples = contents.Samples();
        Assert.Equal(frames.Where(f => f != bad).Select(f => f.FrameId.ToString()), samples.Select(s => s.FrameId));
        Assert.DoesNotContain(contents.Manifest, l => l.GetProperty("frameId").GetString() == bad.FrameId.ToString());
        Assert.Equal(9, contents.Manifest.Count);
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "export-state.json"), ct)).RootElement;
        var skipped = Assert.Single(state.GetProperty("skipped").EnumerateArray());
        Assert.Equal(bad.FrameId.ToString(), skipped.GetProperty("frameId").GetString());
        Assert.Equal(key, skipped.GetProperty("key").GetString());
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public void Dispose() => _directories.Dispose();
}
