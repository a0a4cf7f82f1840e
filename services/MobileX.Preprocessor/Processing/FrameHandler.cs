using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Logging;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Preprocessor.Imaging;
using MobileX.Preprocessor.Telemetry;
using NATS.Client.JetStream;
using OpenCvSharp;

namespace MobileX.Preprocessor.Processing;

public enum FrameOutcome
{
    Processed,
    Rejected,
}

/// <summary>
/// One frame from raw object to announced result: fetch, check, decode, detect, crop, store with lineage, publish.
/// Bad input ends as a <see cref="RejectionLabel"/> in the lake and a <see cref="FrameRejected"/> event; transient faults
/// throw for the caller to retry. The raw object is only ever read. A second run of the same frame writes the same keys and the same <c>Nats-Msg-Id</c>.
/// The event is first checked against its subject (<see cref="EventChecks"/>): the subject is the one thing a station
/// cannot forge, so an event naming another station, bucket or key is rejected before anything is read.
/// </summary>
public sealed class FrameHandler(IAmazonS3 s3, INatsJSContext js, PreprocessorTelemetry telemetry, TimeProvider time, ILogger<FrameHandler> logger)
{
    private const string JpegContentType = "image/jpeg";
    private const string JsonContentType = "application/json";

    /// <param name="subject">The subject the event arrived on: <c>mobilex.stations.NN.frames.raw</c>.</param>
    /// <exception cref="ArgumentException">The subject names no station, so there is no station to reject the event for.</exception>
    public async Task<FrameOutcome> HandleAsync(string subject, FrameCaptured frame, BustCropper cropper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(frame);
        if (EventChecks.Check(subject, frame) is { } forged)
        {
            return await RejectForgedAsync(subject, frame, forged, cancellationToken);
        }

        var started = time.GetTimestamp();
        if (frame.Version != FrameCaptured.SchemaVersion)
        {
            return await RejectAsync(frame, new Rejection(RejectionReasons.UnsupportedVersion, $"FrameCaptured version {frame.Version} is not {FrameCaptured.SchemaVersion}."), cancellationToken);
        }

        S3Object? source;
        using (Stage(PreprocessorTelemetry.Stages.Fetch))
        {
            source = await s3.GetObjectOrNullAsync(frame.Bucket, frame.Key, cancellationToken);
        }

        if (source is null)
        {
            return await RejectAsync(frame, new Rejection(RejectionReasons.ObjectMissing, $"{frame.Bucket}/{frame.Key} does not exist."), cancellationToken);
        }

        var bytes = source.Content;
        if (bytes.IsEmpty)
        {
            return await RejectAsync(frame, new Rejection(RejectionReasons.EmptyObject, $"{frame.Bucket}/{frame.Key} is 0 bytes long."), cancellationToken);
        }

        var sourceSha = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        if (!string.Equals(sourceSha, frame.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return await RejectAsync(frame, new Rejection(RejectionReasons.ChecksumMismatch, $"sha256 of {frame.Bucket}/{frame.Key} is {sourceSha}, the event says {frame.Sha256}."), cancellationToken, sourceSha);
        }

        Mat? image;
        Rejection? rejection;
        using (Stage(PreprocessorTelemetry.Stages.Decode))
        {
            rejection = cropper.Decode(bytes.Span, out image);
        }

        if (rejection is not null || image is null)
        {
            return await RejectAsync(frame, rejection!, cancellationToken, sourceSha);
        }

        BustCrop crop;
        using (image)
        {
            FaceDetection detection;
            using (Stage(PreprocessorTelemetry.Stages.Detect))
            {
                rejection = cropper.Detect(image, out detection, frame.StationId.ToString());
            }

            if (detection.Face.Width > 0)
            {
                var search = DetectorLineage.SearchName(detection.Search);
                Activity.Current?.SetTag("mobilex.face.search", search);
                telemetry.FaceFound(search);
            }

            if (rejection is not null)
            {
                return await RejectAsync(frame, rejection, cancellationToken, sourceSha);
            }

            using (Stage(PreprocessorTelemetry.Stages.CropEncode))
            {
                crop = cropper.CropAndEncode(image, detection.Face);
            }

            var processedKey = ObjectKeys.Processed(frame.StationId, frame.Key);
            var lineageKey = ObjectKeys.Sidecar(processedKey);
            var outputSha = Convert.ToHexStringLower(SHA256.HashData(crop.Jpeg));
            var processedAt = time.GetUtcNow();
            var lineage = new ProcessedLineage(
                frame.FrameId, frame.StationId, frame.CapturedAt, frame.Bucket, frame.Key, sourceSha, image.Width, image.Height,
                cropper.Lineage.For(detection.Search),
                ToBox(crop.Face), ToBox(crop.CropBox), crop.Size, crop.Size, outputSha, PreprocessorTelemetry.WorkerVersion,
                processedAt, time.GetElapsedTime(started).TotalMilliseconds);

            using (Stage(PreprocessorTelemetry.Stages.Store))
            {
                await s3.PutObjectAsync(Buckets.Processed, processedKey, crop.Jpeg, JpegContentType,
                    [
                        new(FrameMetadata.FrameId, frame.FrameId.ToString()),
                        new(FrameMetadata.Station, frame.StationId.ToString()),
                        new(FrameMetadata.CapturedAt, frame.CapturedAt.ToString("O")),
                        new(FrameMetadata.Sha256, outputSha),
                    ],
                    cancellationToken);
                await s3.PutObjectAsync(Buckets.Processed, lineageKey,
                    JsonSerializer.SerializeToUtf8Bytes(lineage, ContractsJsonContext.Default.ProcessedLineage), JsonContentType,
                    cancellationToken: cancellationToken);
            }

            var processed = new FrameProcessed(frame.FrameId, frame.StationId, frame.CapturedAt, frame.Bucket, frame.Key,
                Buckets.Processed, processedKey, lineageKey, crop.Size, crop.Size, crop.Jpeg.Length, outputSha, processedAt);
            using (Stage(PreprocessorTelemetry.Stages.Publish))
            {
                await PublishAsync(Subjects.FramesProcessed(frame.StationId), processed, MessageIds.Processed(frame.FrameId), cancellationToken);
            }

            telemetry.Processed();
            telemetry.Latency(time.GetUtcNow() - frame.CapturedAt);
            PreprocessorLog.FrameProcessed(logger, frame.FrameId.ToString(), frame.StationId.ToString(), Buckets.Processed, processedKey, time.GetElapsedTime(started).TotalMilliseconds);
            return FrameOutcome.Processed;
        }
    }

    /// <summary>
    /// Rejects an event that disagrees with its subject, in the subject's station's place only: the outcome names the
    /// station's own bucket and the contract's key for the frame id and capture time, so neither the label nor the
    /// event ever carries the forged bucket or key (the detail says what the event claimed).
    /// </summary>
    private async Task<FrameOutcome> RejectForgedAsync(string subject, FrameCaptured frame, EventCheckFailure forged, CancellationToken cancellationToken)
    {
        if (!Subjects.TryGetStation(subject, out var station))
        {
            throw new ArgumentException($"'{subject}' names no station; a raw-frame event must arrive on mobilex.stations.NN.frames.raw.", nameof(subject));
        }

        PreprocessorLog.ForgedEvent(logger, frame.FrameId.ToString(), station.ToString(), subject, forged.Reason, forged.Detail);
        var own = frame with { StationId = station, Bucket = Buckets.Station(station), Key = ObjectKeys.Frame(frame.CapturedAt, frame.FrameId) };
        return await RejectAsync(own, new Rejection(forged.Reason, forged.Detail), cancellationToken);
    }

    private async Task<FrameOutcome> RejectAsync(FrameCaptured frame, Rejection rejection, CancellationToken cancellationToken, string? sourceSha = null)
    {
        Activity.Current?.SetTag("mobilex.rejection.reason", rejection.Reason);
        var rejectedAt = time.GetUtcNow();
        // The label goes to the lake before the event, as a bust does: a history older than the stream comes from the
        // lake alone, so the lake must hold every outcome the stream announces. Same key on a retry, so no second copy.
        var labelKey = ObjectKeys.RejectionLabel(frame.StationId, frame.Key);
        var label = new RejectionLabel(frame.FrameId, frame.StationId, frame.CapturedAt, frame.Bucket, frame.Key, sourceSha,
            rejection.Reason, rejection.Detail, rejection.Detector, rejection.Scores, PreprocessorTelemetry.WorkerVersion, rejectedAt);
        using (Stage(PreprocessorTelemetry.Stages.Store))
        {
            await s3.PutObjectAsync(Buckets.Processed, labelKey,
                JsonSerializer.SerializeToUtf8Bytes(label, ContractsJsonContext.Default.RejectionLabel), JsonContentType,
                [
                    new(FrameMetadata.FrameId, frame.FrameId.ToString()),
                    new(FrameMetadata.Station, frame.StationId.ToString()),
                    new(FrameMetadata.CapturedAt, frame.CapturedAt.ToString("O")),
                ],
                cancellationToken);
        }

        var rejected = new FrameRejected(frame.FrameId, frame.StationId, frame.CapturedAt, frame.Bucket, frame.Key,
            rejection.Reason, rejection.Detail, rejectedAt, Buckets.Processed, labelKey);
        using (Stage(PreprocessorTelemetry.Stages.Publish))
        {
            await PublishAsync(Subjects.FramesRejected(frame.StationId), rejected, MessageIds.Rejected(frame.FrameId), cancellationToken);
        }

        telemetry.Rejected(rejection.Reason);
        telemetry.Latency(time.GetUtcNow() - frame.CapturedAt);
        PreprocessorLog.FrameRejected(logger, frame.FrameId.ToString(), frame.StationId.ToString(), rejection.Reason, rejection.Detail);
        return FrameOutcome.Rejected;
    }

    private async Task PublishAsync<T>(string subject, T message, string messageId, CancellationToken cancellationToken)
    {
        // A duplicate ack means an earlier delivery already announced this frame: the stream keeps that one event.
        var ack = await js.PublishAsync(subject, message, ContractSerializers.For<T>(), new NatsJSPubOpts { MsgId = messageId }, cancellationToken: cancellationToken);
        ack.EnsureStored();
    }

    private StageScope Stage(string stage) => new(telemetry, stage, time);

    private static PixelBox ToBox(Rect r) => new(r.X, r.Y, r.Width, r.Height);
}
