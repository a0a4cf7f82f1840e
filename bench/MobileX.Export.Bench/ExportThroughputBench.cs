using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Cli;
using MobileX.Cli.Export;
using MobileX.Contracts;
using MobileX.Feeds;
using MobileX.Testing;

namespace MobileX.Export.Bench;

/// <summary>
/// Frames/s of a processed-stage export (list, GET bust and lineage, check sha256, write WebDataset shards and the
/// manifest) beside bare GETs of the same two objects per frame with the same parallelism and no listing, checking or
/// writing, against one s3rver. The two alternate in rounds after a warm-up of each; the figure is the median ratio.
/// </summary>
internal static class ExportThroughputBench
{
    private static readonly StationId Station = new(3);
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        await using var s3 = new S3ServerFixture();
        await s3.InitializeAsync();
        using var client = s3.CreateClient();
        var keys = await SeedAsync(client, settings);
        Console.WriteLine($"{settings.Frames} processed frames of station {Station} (busts of {settings.BustKiB} KiB + lineage), " +
            $"{settings.Parallel} samples in flight, {settings.Rounds} rounds after a warm-up; {Environment.ProcessorCount} cores");

        var root = Directory.CreateTempSubdirectory("mobilex-export-bench-").FullName;
        try
        {
            await BareGetsAsync(client, keys, settings.Parallel);
            await ExportAsync(client, settings, Path.Combine(root, "warm-up"));
            var ratios = new List<double>();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                // The order flips each round, so a drifting machine does not favour one side.
                double bare, export;
                if (round % 2 == 1)
                {
                    bare = await BareGetsAsync(client, keys, settings.Parallel);
                    export = await ExportAsync(client, settings, Path.Combine(root, $"round-{round}"));
                }
                else
                {
                    export = await ExportAsync(client, settings, Path.Combine(root, $"round-{round}"));
                    bare = await BareGetsAsync(client, keys, settings.Parallel);
                }

                ratios.Add(export / bare);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}: bare GETs {bare:0.0} frames/s, export {export:0.0} frames/s, ratio {export / bare:0.00}"));
            }

            // Where the difference goes: the listing an export needs and bare GETs skip (s3rver reads every listed
            // object's metadata files, sidecars included).
            var listing = Stopwatch.StartNew();
            var listed = 0;
            await foreach (var _ in new MobileX.Feeds.Lake.LakeCatalog(client).ListAsync(Station, FrameStage.Processed, Start, Start.AddDays(1)))
            {
                listed++;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"listing alone: {listed} frames in {listing.Elapsed.TotalSeconds:0.00} s ({listed / listing.Elapsed.TotalSeconds:0} frames/s)"));
            var median = ratios.Order().ElementAt(ratios.Count / 2);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"export / bare GETs: median {median:0.00} (rounds {string.Join(' ', ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}; target >= 0.80)"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Busts and lineage sidecars as the preprocessor writes them, one second apart; returns their keys.</summary>
    private static async Task<List<(string Bust, string Lineage)>> SeedAsync(IAmazonS3 client, BenchSettings settings)
    {
        await client.EnsureBucketAsync(Buckets.Processed);
        var bytes = new byte[settings.BustKiB * 1024];
        Random.Shared.NextBytes(bytes);
        var detector = new DetectorInfo("opencv-lbp-cascade", "lbpcascade_frontalface.xml", new Dictionary<string, string> { ["minNeighbors"] = "2" });
        var keys = new (string, string)[settings.Frames];
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Frames), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var at = Start.AddSeconds(i).AddMilliseconds(i % 1000);
            var id = FrameId.New(at);
            var rawKey = ObjectKeys.Frame(at, id);
            var bust = (byte[])bytes.Clone();
            BitConverter.TryWriteBytes(bust.AsSpan(16), i);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bust));
            var key = ObjectKeys.Processed(Station, rawKey);
            var lineage = new ProcessedLineage(id, Station, at, Buckets.Station(Station), rawKey, new string('0', 64), 1280, 720, detector,
                new PixelBox(500, 200, 120, 120), new PixelBox(380, 130, 360, 360), 512, 512, sha, "bench", at, 10);
            await client.PutObjectAsync(Buckets.Processed, key, bust, "image/jpeg",
                [new(FrameMetadata.FrameId, id.ToString()), new(FrameMetadata.Station, Station.ToString()), new(FrameMetadata.Sha256, sha)], ct);
            await client.PutObjectAsync(Buckets.Processed, ObjectKeys.Sidecar(key),
                JsonSerializer.SerializeToUtf8Bytes(lineage, ContractsJsonContext.Default.ProcessedLineage), "application/json", cancellationToken: ct);
            keys[i] = (key, ObjectKeys.Sidecar(key));
        });
        return [.. keys];
    }

    /// <summary>The least an export can do: GET each frame's bust and lineage whole, with the same number in flight.</summary>
    private static async Task<double> BareGetsAsync(IAmazonS3 client, List<(string Bust, string Lineage)> keys, int parallel)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (pair, ct) =>
        {
            foreach (var key in new[] { pair.Bust, pair.Lineage })
            {
                using var response = await client.GetObjectAsync(Buckets.Processed, key, ct);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, ct);
            }
        });
        return keys.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The export as <c>mobilex export</c> runs it, in process, into a new directory.</summary>
    private static async Task<double> ExportAsync(IAmazonS3 client, BenchSettings settings, string directory)
    {
        var options = new ExportOptions
        {
            Selection = new FrameSelection { Stations = [Station], Stages = [FrameStage.Processed], From = Start, To = Start.AddDays(1) },
            OutputDirectory = directory,
            ShardSize = settings.ShardSize,
            Parallelism = settings.Parallel,
        };
        var context = new CliContext { Out = TextWriter.Null, Error = TextWriter.Null, ProgressInterval = TimeSpan.FromHours(1) };
        var watch = Stopwatch.StartNew();
        var result = await new ExportRunner(client, context).RunAsync(options, CancellationToken.None);
        var elapsed = watch.Elapsed;
        if (result.State.Samples != settings.Frames || result.State.Skipped.Count != 0)
        {
            throw new InvalidOperationException($"The export wrote {result.State.Samples} samples and skipped {result.State.Skipped.Count}; {settings.Frames} were seeded.");
        }

        return settings.Frames / elapsed.TotalSeconds;
    }
}
