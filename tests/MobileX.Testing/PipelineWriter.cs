using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.JetStream;

namespace MobileX.Testing;

/// <summary>
/// Writes frames exactly as the capture and the preprocessor do: the object (and sidecar or label) first, then the
/// event with its Nats-Msg-Id. Tests and benchmarks use it to stand in for the pipeline without running it.
/// </summary>
public sealed class PipelineWriter(IAmazonS3 s3, INatsJSContext js)
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0xFF, 0xD9];

    public IAmazonS3 S3 => s3;
    public INatsJSContext Js => js;

    /// <summary>A raw frame of <paramref name="station"/>, stored and (unless <paramref name="announce"/> is false) announced.</summary>
    public async Task<FrameCaptured> CaptureAsync(StationId station, DateTimeOffset? at = null, bool announce = true, CancellationToken cancellationToken = default)
    {
        var capturedAt = at ?? DateTimeOffset.UtcNow;
        var id = FrameId.New(capturedAt);
        var bytes = Bytes(id);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var bucket = Buckets.Station(station);
        var key = ObjectKeys.Frame(capturedAt, id);
        await s3.EnsureBucketAsync(bucket, cancellationToken);
        await s3.PutObjectAsync(bucket, key, bytes, "image/jpeg",
            [new(FrameMetadata.Station, station.ToString()), new(FrameMetadata.FrameId, id.ToString()),
             new(FrameMetadata.CapturedAt, capturedAt.ToString("O")), new(FrameMetadata.Sha256, sha)], cancellationToken);
        var frame = new FrameCaptured(id, station, 1, capturedAt, bucket, key, "image/jpeg", 2, 2, bytes.Length, sha);
        if (announce)
        {
            (await js.PublishAsync(Subjects.FramesRaw(station), frame, ContractSerializers.For<FrameCaptured>(),
                new NatsJSPubOpts { MsgId = MessageIds.Captured(id) }, cancellationToken: cancellationToken)).EnsureSuccess();
        }

        return frame;
    }

    /// <summary>A processed outcome of <paramref name="raw"/>: bust, sidecar, event.</summary>
    public async Task<FrameProcessed> ProcessAsync(FrameCaptured raw, bool announce = true, CancellationToken cancellationToken = default)
    {
        var bust = Bytes(raw.FrameId, "bust");
        var sha = Convert.ToHexStringLower(SHA256.HashData(bust));
        var key = ObjectKeys.Processed(raw.StationId, raw.Key);
        var lineageKey = ObjectKeys.Sidecar(key);
        var now = DateTimeOffset.UtcNow;
        await s3.EnsureBucketAsync(Buckets.Processed, cancellationToken);
        await s3.PutObjectAsync(Buckets.Processed, key, bust, "image/jpeg",
            [new(FrameMetadata.FrameId, raw.FrameId.ToString()), new(FrameMetadata.Station, raw.StationId.ToString()),
             new(FrameMetadata.CapturedAt, raw.CapturedAt.ToString("O")), new(FrameMetadata.Sha256, sha)], cancellationToken);
        var lineage = new ProcessedLineage(raw.FrameId, raw.StationId, raw.CapturedAt, raw.Bucket, raw.Key, raw.Sha256, 2, 2,
            new DetectorInfo("test", "none", new Dictionary<string, string>()), new PixelBox(0, 0, 1, 1), new PixelBox(0, 0, 2, 2), 2, 2, sha, "test", now, 1);
        await s3.PutObjectAsync(Buckets.Processed, lineageKey, JsonSerializer.SerializeToUtf8Bytes(lineage, ContractsJsonContext.Default.ProcessedLineage),
            "application/json", cancellationToken: cancellationToken);
        var processed = new FrameProcessed(raw.FrameId, raw.StationId, raw.CapturedAt, raw.Bucket, raw.Key, Buckets.Processed, key, lineageKey, 2, 2, bust.Length, sha, now);
        if (announce)
        {
            (await js.PublishAsync(Subjects.FramesProcessed(raw.StationId), processed, ContractSerializers.For<FrameProcessed>(),
                new NatsJSPubOpts { MsgId = MessageIds.Processed(raw.FrameId) }, cancellationToken: cancellationToken)).EnsureSuccess();
        }

        return processed;
    }

    /// <summary>A rejected outcome of <paramref name="raw"/>: label, event.</summary>
    public async Task<FrameRejected> RejectAsync(FrameCaptured raw, string reason = RejectionReasons.NoFace, bool announce = true, CancellationToken cancellationToken = default)
    {
        var key = ObjectKeys.RejectionLabel(raw.StationId, raw.Key);
        var now = DateTimeOffset.UtcNow;
        await s3.EnsureBucketAsync(Buckets.Processed, cancellationToken);
        var label = new RejectionLabel(raw.FrameId, raw.StationId, raw.CapturedAt, raw.Bucket, raw.Key, raw.Sha256, reason, "test",
            null, new Dictionary<string, double> { ["brightness"] = 80 }, "test", now);
        await s3.PutObjectAsync(Buckets.Processed, key, JsonSerializer.SerializeToUtf8Bytes(label, ContractsJsonContext.Default.RejectionLabel),
            "application/json", cancellationToken: cancellationToken);
        var rejected = new FrameRejected(raw.FrameId, raw.StationId, raw.CapturedAt, raw.Bucket, raw.Key, reason, "test", now, Buckets.Processed, key);
        if (announce)
        {
            (await js.PublishAsync(Subjects.FramesRejected(raw.StationId), rejected, ContractSerializers.For<FrameRejected>(),
                new NatsJSPubOpts { MsgId = MessageIds.Rejected(raw.FrameId) }, cancellationToken: cancellationToken)).EnsureSuccess();
        }

        return rejected;
    }

    // Distinct bytes per frame, so a checksum test can tell one object from another.
    private static byte[] Bytes(FrameId id, string kind = "raw") => [.. Jpeg, .. System.Text.Encoding.ASCII.GetBytes($"{kind}:{id}")];
}
