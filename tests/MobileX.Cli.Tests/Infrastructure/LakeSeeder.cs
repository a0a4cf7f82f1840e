using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;

namespace MobileX.Cli.Tests.Infrastructure;

/// <summary>A frame the tests put in the lake, with the bytes of its image at each stage.</summary>
internal sealed record SeededFrame(FrameId FrameId, StationId Station, DateTimeOffset CapturedAt, string RawKey, byte[] Raw, byte[]? Bust, string? RejectionReason)
{
    public bool Processed => Bust is not null;

    public bool Rejected => RejectionReason is not null;

    public string RawSha256 => Sha(Raw);

    public string? BustSha256 => Bust is null ? null : Sha(Bust);

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>
/// Writes frames the way the pipeline does: the capture's raw PUT with its metadata (station, frame-id,
/// captured-at, sha256), then the preprocessor's bust with the same metadata and its lineage sidecar, or its
/// rejection label (services/MobileX.Capture StationRunner, services/MobileX.Preprocessor FrameHandler).
/// </summary>
internal sealed class LakeSeeder(IAmazonS3 s3)
{
    private const string Jpeg = "image/jpeg";
    private const string Json = "application/json";

    /// <summary>Frames of <paramref name="station"/> every <paramref name="step"/> from <paramref name="start"/>; every <paramref name="rejectEvery"/>-th is rejected.</summary>
    public async Task<IReadOnlyList<SeededFrame>> SeedAsync(StationId station, DateTimeOffset start, TimeSpan step, int count, int rejectEvery, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var frames = new List<SeededFrame>();
        for (var i = 0; i < count; i++)
        {
            // A few milliseconds of jitter, so frame ids and keys carry real sub-second times.
            var at = start + (step * i) + TimeSpan.FromMilliseconds(random.Next(0, 999));
            var id = FrameId.New(at);
            var rejected = rejectEvery > 0 && i % rejectEvery == rejectEvery - 1;
            frames.Add(new SeededFrame(id, station, at, ObjectKeys.Frame(at, id), Bytes(random, 1500, 4000),
                rejected ? null : Bytes(random, 800, 2500), rejected ? RejectionReasons.NoFace : null));
        }

        await s3.EnsureBucketAsync(Buckets.Station(station), cancellationToken);
        await s3.EnsureBucketAsync(Buckets.Processed, cancellationToken);
        await Parallel.ForEachAsync(frames, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (frame, ct) => await WriteAsync(frame, ct));
        return frames;
    }

    public async Task WriteAsync(SeededFrame frame, CancellationToken cancellationToken)
    {
        await s3.PutObjectAsync(Buckets.Station(frame.Station), frame.RawKey, frame.Raw, Jpeg, Metadata(frame, frame.RawSha256), cancellationToken);
        var processedKey = ObjectKeys.Processed(frame.Station, frame.RawKey);
        if (frame.Bust is { } bust)
        {
            var lineage = Lineage(frame);
            await s3.PutObjectAsync(Buckets.Processed, processedKey, bust, Jpeg, Metadata(frame, frame.BustSha256!), cancellationToken);
            await s3.PutObjectAsync(Buckets.Processed, ObjectKeys.Sidecar(processedKey),
                JsonSerializer.SerializeToUtf8Bytes(lineage, ContractsJsonContext.Default.ProcessedLineage), Json, cancellationToken: cancellationToken);
        }
        else
        {
            var label = new RejectionLabel(frame.FrameId, frame.Station, frame.CapturedAt, Buckets.Station(frame.Station), frame.RawKey, frame.RawSha256,
                frame.RejectionReason!, "No face found in the frame.", Detector, new Dictionary<string, double> { ["brightness"] = 92.5, ["sharpness"] = 141.0 },
                "1.0.0-test", frame.CapturedAt.AddMilliseconds(40));
            await s3.PutObjectAsync(Buckets.Processed, ObjectKeys.RejectionLabel(frame.Station, frame.RawKey),
                JsonSerializer.SerializeToUtf8Bytes(label, ContractsJsonContext.Default.RejectionLabel), Json,
                [
                    new(FrameMetadata.FrameId, frame.FrameId.ToString()),
                    new(FrameMetadata.Station, frame.Station.ToString()),
                    new(FrameMetadata.CapturedAt, frame.CapturedAt.ToString("O", CultureInfo.InvariantCulture)),
                ],
                cancellationToken);
        }
    }

    /// <summary>Rewrites an object's bytes but keeps the metadata, sha256 included, it had: bytes changed after their checksum was set.</summary>
    public async Task CorruptAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var original = await s3.GetObjectOrNullAsync(bucket, key, cancellationToken) ?? throw new InvalidOperationException($"{bucket}/{key} is missing.");
        var bytes = original.Content.ToArray();
        bytes[^1] ^= 0xFF;
        await s3.PutObjectAsync(bucket, key, bytes, Jpeg, original.Metadata.Where(m => m.Key is FrameMetadata.Station or FrameMetadata.FrameId or FrameMetadata.CapturedAt or FrameMetadata.Sha256), cancellationToken);
    }

    public static ProcessedLineage Lineage(SeededFrame frame) => new(
        frame.FrameId, frame.Station, frame.CapturedAt, Buckets.Station(frame.Station), frame.RawKey, frame.RawSha256, 1280, 720, Detector,
        new PixelBox(500, 200, 120, 120), new PixelBox(380, 130, 360, 360), 512, 512, frame.BustSha256!, "1.0.0-test",
        frame.CapturedAt.AddMilliseconds(35), 12.5);

    private static readonly DetectorInfo Detector = new("opencv-lbp-cascade", "lbpcascade_frontalface.xml", new Dictionary<string, string> { ["minNeighbors"] = "2" });

    private static List<KeyValuePair<string, string>> Metadata(SeededFrame frame, string sha256) =>
    [
        new(FrameMetadata.Station, frame.Station.ToString()),
        new(FrameMetadata.FrameId, frame.FrameId.ToString()),
        new(FrameMetadata.CapturedAt, frame.CapturedAt.ToString("O", CultureInfo.InvariantCulture)),
        new(FrameMetadata.Sha256, sha256),
    ];

    /// <summary>Bytes that start like a JPEG; the export never decodes them, it only moves and checks them.</summary>
    private static byte[] Bytes(Random random, int min, int max)
    {
        var bytes = new byte[random.Next(min, max)];
        random.NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;
        return bytes;
    }
}
