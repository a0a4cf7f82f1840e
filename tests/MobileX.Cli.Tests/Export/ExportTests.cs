using System.Globalization;
using System.Text.Json;
using MobileX.Cli.Tests.Infrastructure;
using MobileX.Contracts;

namespace MobileX.Cli.Tests.Export;

/// <summary><c>mobilex export</c> against a real S3 server holding two stations' frames.</summary>
[Collection(LakeCollection.Name)]
public sealed class ExportTests(LakeFixture lake) : IDisposable
{
    private readonly TempDirectories _directories = new();

    // The range starts exactly at one frame (kept) and ends exactly at another (left out): [from, to).
    private SeededFrame First => lake.Frames.Where(f => f.Station == LakeFixture.Station03 && f.Processed).ElementAt(20);

    private SeededFrame Last => lake.Frames.Where(f => f.Station == LakeFixture.Station03 && f.Processed).ElementAt(40);

    private DateTimeOffset From => First.CapturedAt;

    private DateTimeOffset To => Last.CapturedAt;

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private string[] Args(string stage, string dir, params string[] more) =>
        ["export", "--station", "03", "--station", "04", "--stage", stage, "--from", Iso(From), "--to", Iso(To), "--out", dir, .. more];

    [Fact]
    public async Task ProcessedExportHoldsExactlyTheRangeInBothFormats()
    {
        var dir = _directories.New();
        var run = await InProcessCli.RunAsync(Args("processed", dir, "--shard-size", "7", "--format", "webdataset,imagefolder"), lake.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = lake.Expected(FrameStage.Processed, From, To, LakeFixture.Station03, LakeFixture.Station04);
        Assert.Contains(expected, f => f.FrameId == First.FrameId);
        Assert.DoesNotContain(expected, f => f.FrameId == Last.FrameId);
        Assert.True(expected.Count > 30, $"only {expected.Count} frames in the range");

        var contents = ExportContents.Read(dir);
        var samples = contents.Samples();
        // Exactly the range, in export order (station, then frame id), none twice.
        Assert.Equal(expected.Select(f => f.FrameId.ToString()), samples.Select(s => s.FrameId));
        Assert.Equal((expected.Count + 6) / 7, contents.Shards.Count);
        foreach (var (frame, sample) in expected.Zip(samples))
        {
            Assert.Equal(frame.BustSha256, ExportContents.Sha(sample.Image));
            Assert.Equal(frame.Bust, sample.Image);
            var doc = sample.Document;
            Assert.Equal(frame.FrameId.ToString(), doc.GetProperty("frameId").GetString());
            Assert.Equal(frame.Station.ToString(), doc.GetProperty("station").GetString());
            Assert.Equal("processed", doc.GetProperty("stage").GetString());
            Assert.Equal(frame.CapturedAt, doc.GetProperty("capturedAt").GetDateTimeOffset());
            Assert.Equal(Buckets.Processed, doc.GetProperty("bucket").GetString());
            Assert.Equal(ObjectKeys.Processed(frame.Station, frame.RawKey), doc.GetProperty("key").GetString());
            Assert.Equal(frame.BustSha256, doc.GetProperty("sha256").GetString());
            Assert.Equal(frame.Bust!.Length, doc.GetProperty("bytes").GetInt64());
            var lineage = doc.GetProperty("lineage").Deserialize(ContractsJsonContext.Default.ProcessedLineage)!;
            Assert.Equal(frame.RawSha256, lineage.SourceSha256);
            Assert.Equal(frame.RawKey, lineage.SourceKey);
            Assert.False(doc.TryGetProperty("label", out _));
            Assert.False(doc.TryGetProperty("file_name", out _));
        }

        // The manifest: one line a sample, naming its shard, its members and its image's checksum.
        Assert.Equal(samples.Count, contents.Manifest.Count);
        foreach (var ((shard, frameId, image, _), line) in samples.Zip(contents.Manifest))
        {
            Assert.Equal(frameId, line.GetProperty("frameId").GetString());
            Assert.Equal($"webdataset/{shard}", line.GetProperty("tar").GetString());
            Assert.Equal(int.Parse(shard["shard-".Length..^".tar".Length], CultureInfo.InvariantCulture), line.GetProperty("shard").GetInt32());
            Assert.Equal([$"{frameId}.jpg", $"{frameId}.json"], line.GetProperty("members").EnumerateArray().Select(m => m.GetString()!));
            Assert.Equal(ExportContents.Sha(image), line.GetProperty("sha256").GetString());
            Assert.Equal(image.Length, line.GetProperty("bytes").GetInt64());
        }

        // imagefolder: metadata.jsonl beside the images, file_name relative to it, and nothing else in the folder.
        var split = Path.Combine(dir, "imagefolder", "train");
        Assert.Equal(expected.Select(f => f.FrameId.ToString()), contents.Metadata.Select(m => m.GetProperty("frameId").GetString()));
        foreach (var (frame, row) in expected.Zip(contents.Metadata))
        {
            var fileName = row.GetProperty("file_name").GetString()!;
            Assert.Equal($"station-{frame.Station}/{frame.FrameId}.jpg", fileName);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(split, fileName), Ct);
            Assert.Equal(row.GetProperty("sha256").GetString(), ExportContents.Sha(bytes));
            Assert.Equal(frame.BustSha256, ExportContents.Sha(bytes));
            Assert.True(row.TryGetProperty("lineage", out _));
        }

        var images = Directory.GetFiles(split, "*.jpg", SearchOption.AllDirectories);
        Assert.Equal(expected.Count, images.Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "webdataset"), "*.partial"));
        Assert.False(Directory.Exists(Path.Combine(dir, ".partial")));
        Assert.Contains($"samples {expected.Count},", run.Out, StringComparison.Ordinal);
        Assert.Contains("skipped 0", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectedExportHoldsTheRawImagesWithTheirLabels()
    {
        var dir = _directories.New();
        var run = await InProcessCli.RunAsync(Args("rejected", dir), lake.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = lake.Expected(FrameStage.Rejected, From, To, LakeFixture.Station03, LakeFixture.Station04);
        Assert.NotEmpty(expected);
        var samples = ExportContents.Read(dir).Samples();
        Assert.Equal(expected.Select(f => f.FrameId.ToString()), samples.Select(s => s.FrameId));
        foreach (var (frame, sample) in expected.Zip(samples))
        {
            Assert.Equal(frame.Raw, sample.Image);
            Assert.Equal(Buckets.Station(frame.Station), sample.Document.GetProperty("bucket").GetString());
            Assert.Equal(frame.RawKey, sample.Document.GetProperty("key").GetString());
            var label = sample.Document.GetProperty("label").Deserialize(ContractsJsonContext.Default.RejectionLabel)!;
            Assert.Equal(RejectionReasons.NoFace, label.Reason);
            Assert.Equal(frame.FrameId, label.FrameId);
            Assert.False(sample.Document.TryGetProperty("lineage", out _));
        }
    }

    [Fact]
    public async Task RawExportOfAllStationsHoldsEveryStationsFramesOfTheRange()
    {
        var dir = _directories.New();
        var run = await InProcessCli.RunAsync(["export", "--all-stations", "--stage", "raw", "--from", Iso(From), "--to", Iso(To), "--out", dir, "--shard-size", "1000"],
            lake.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = lake.Expected(FrameStage.Raw, From, To, LakeFixture.Station03, LakeFixture.Station04);
        var contents = ExportContents.Read(dir);
        var samples = contents.Samples();
        Assert.Equal(expected.Select(f => f.FrameId.ToString()), samples.Select(s => s.FrameId));
        Assert.All(expected.Zip(samples), pair => Assert.Equal(pair.First.RawSha256, ExportContents.Sha(pair.Second.Image)));
        Assert.Single(contents.Shards);
        Assert.Empty(contents.Metadata);
        Assert.False(Directory.Exists(Path.Combine(dir, "imagefolder")));
    }

    [Fact]
    public async Task InterruptedExportContinuesAfterTheLastCompleteShard()
    {
        var args = (string dir) => Args("processed", dir, "--shard-size", "5", "--format", "webdataset,imagefolder", "--parallel", "4");
        var reference = _directories.New("reference");
        Assert.Equal(0, (await InProcessCli.RunAsync(args(reference), lake.Environment, cancellationToken: Ct)).ExitCode);

        var dir = _directories.New();
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var first = await InProcessCli.RunAsync(args(dir), lake.Environment, shardCompleted: done =>
        {
            if (done == 2)
            {
                interrupt.Cancel();
            }
        }, cancellationToken: interrupt.Token);

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Contains("interrupted: 2 complete shards (10 samples)", first.Error, StringComparison.Ordinal);
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "export-state.json"), Ct)).RootElement;
        Assert.Equal(2, state.GetProperty("shards").GetArrayLength());
        Assert.False(state.GetProperty("complete").GetBoolean());

        // What a kill at a bad moment leaves besides: lines appended past the last complete shard, and a shard
        // renamed into place that the state never recorded.
        await File.AppendAllTextAsync(Path.Combine(dir, "manifest.jsonl"), "{\"frameId\":\"half-written\"}\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "webdataset", "shard-000002.tar"), "not a complete shard", Ct);

        var second = await InProcessCli.RunAsync(args(dir), lake.Environment, cancellationToken: Ct);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("continued after 2 complete shards", second.Out, StringComparison.Ordinal);
        var frames = ExportContents.Read(dir).Manifest.Select(l => l.GetProperty("frameId").GetString()).ToList();
        Assert.Equal(frames.Count, frames.Distinct().Count());
        // Byte for byte what the uninterrupted export wrote: every shard, image, manifest and metadata line.
        var files = Files(dir);
        Assert.Equal(Files(reference), files);
        foreach (var file in files)
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(reference, file), Ct);
            var actual = await File.ReadAllBytesAsync(Path.Combine(dir, file), Ct);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{file} differs from the uninterrupted export's");
        }
    }

    [Fact]
    public async Task SecondRunOfACompleteExportChangesNothing()
    {
        var dir = _directories.New();
        Assert.Equal(0, (await InProcessCli.RunAsync(Args("processed", dir, "--shard-size", "9"), lake.Environment, cancellationToken: Ct)).ExitCode);
        var before = Files(dir).ToDictionary(f => f, f => File.GetLastWriteTimeUtc(Path.Combine(dir, f)));

        var again = await InProcessCli.RunAsync(Args("processed", dir, "--shard-size", "9"), lake.Environment, cancellationToken: Ct);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already holds this complete export", again.Out, StringComparison.Ordinal);
        Assert.Equal(before, Files(dir).ToDictionary(f => f, f => File.GetLastWriteTimeUtc(Path.Combine(dir, f))));
    }

    [Theory]
    [InlineData("--to")]
    [InlineData("--shard-size")]
    [InlineData("--format")]
    [InlineData("--station")]
    public async Task DifferentSelectionIntoTheSameDirectoryIsRefused(string changed)
    {
        var dir = _directories.New();
        Assert.Equal(0, (await InProcessCli.RunAsync(Args("processed", dir, "--shard-size", "10"), lake.Environment, cancellationToken: Ct)).ExitCode);
        var before = Files(dir);
        var manifest = await File.ReadAllBytesAsync(Path.Combine(dir, "manifest.jsonl"), Ct);
        string[] other = changed switch
        {
            "--to" => ["export", "--station", "03", "--station", "04", "--stage", "processed", "--from", Iso(From), "--to", Iso(To.AddMinutes(30)), "--out", dir, "--shard-size", "10"],
            "--shard-size" => Args("processed", dir, "--shard-size", "11"),
            "--format" => Args("processed", dir, "--shard-size", "10", "--format", "imagefolder"),
            _ => ["export", "--station", "03", "--stage", "processed", "--from", Iso(From), "--to", Iso(To), "--out", dir, "--shard-size", "10"],
        };

        var refused = await InProcessCli.RunAsync(other, lake.Environment, cancellationToken: Ct);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("holds a different export", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, Files(dir));
        Assert.Equal(manifest, await File.ReadAllBytesAsync(Path.Combine(dir, "manifest.jsonl"), Ct));
    }

    [Fact]
    public async Task DirectoryWithOtherFilesIsRefused()
    {
        var dir = _directories.New();
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "notes.txt"), "mine", Ct);

        var refused = await InProcessCli.RunAsync(Args("processed", dir), lake.Environment, cancellationToken: Ct);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("is not empty and holds no export-state.json", refused.Error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Files(dir));
    }

    private static List<string> Files(string dir) =>
        [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir, f))
            .Where(f => f != "export-state.json").Order(StringComparer.Ordinal)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directories.Dispose();
}
