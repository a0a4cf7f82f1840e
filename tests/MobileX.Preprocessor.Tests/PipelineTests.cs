using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using OpenCvSharp;

namespace MobileX.Preprocessor.Tests;

/// <summary>Raw frames in through JetStream, crops and lineage out to S3 and the bus, against real servers.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PipelineTests(PipelineFixture fixture)
{
    private static readonly StationId Station = new(7);

    // Named under MobileX.* so the in-process app's tracer provider samples it, as it would a station's.
    private static readonly System.Diagnostics.ActivitySource CaptureSource = new("MobileX.Tests.Capture");
    private Lake Lake => fixture.Lake;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_frame_with_a_face_is_stored_as_a_crop_with_lineage_and_announced_on_the_same_trace()
    {
        var bytes = TestFrames.FaceJpeg(500, 150, 1.0);
        FrameCaptured frame;
        string traceId;
        // The capture span, as a station would start it; NATS.Net carries it to the worker in the traceparent header.
        using (var capture = CaptureSource.StartActivity("capture frame", System.Diagnostics.ActivityKind.Producer))
        {
            Assert.NotNull(capture);
            traceId = capture.TraceId.ToHexString();
            frame = await Lake.CaptureAsync(Station, bytes, Ct);
        }

        var outcome = await Lake.WaitForOutcomeAsync(frame.FrameId, Ct);

        Assert.Equal(Subjects.FramesProcessed(Station), outcome.Subject);
        Assert.Equal(MessageIds.Processed(frame.FrameId), outcome.MsgId);
        var processed = JsonSerializer.Deserialize(outcome.Data, ContractsJsonContext.Default.FrameProcessed)!;
        Assert.Equal(Buckets.Processed, processed.Bucket);
        Assert.Equal(ObjectKeys.Processed(Station, frame.Key), processed.Key);
        Assert.Equal(ObjectKeys.Sidecar(processed.Key), processed.LineageKey);
        Assert.True(outcome.Headers is { } h && h.TryGetValue("traceparent", out var parent) && parent.ToString().Contains(traceId, StringComparison.Ordinal),
            $"The processed event must continue the capture's trace {traceId}; its headers: {string.Join(", ", outcome.Headers?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])}.");

        var crop = await Lake.S3.GetObjectOrNullAsync(Buckets.Processed, processed.Key, Ct);
        Assert.NotNull(crop);
        Assert.Equal(processed.Sha256, Convert.ToHexStringLower(SHA256.HashData(crop.Content.Span)));
        using (var image = Cv2.ImDecode(crop.Content.Span, ImreadModes.Color))
        {
            Assert.Equal(new Size(512, 512), image.Size());
        }

        var sidecar = await Lake.S3.GetObjectOrNullAsync(Buckets.Processed, processed.LineageKey, Ct);
        Assert.NotNull(sidecar);
        var lineage = JsonSerializer.Deserialize(sidecar.Content.Span, ContractsJsonContext.Default.ProcessedLineage)!;
        Assert.Equal(frame.Bucket, lineage.SourceBucket);
        Assert.Equal(frame.Key, lineage.SourceKey);
        Assert.Equal(frame.Sha256, lineage.SourceSha256);
        Assert.Equal("opencv-lbp-cascade", lineage.Detector.Name);
        Assert.Equal("lbpcascade_frontalface.xml", lineage.Detector.Model);
        Assert.Contains("scaleFactor", lineage.Detector.Parameters.Keys);
        Assert.Contains(lineage.Detector.Parameters["search"], new[] { "whole-frame", "near-last-face", "larger-than-last-face" });
        Assert.True(lineage.CropBox.X <= lineage.FaceBox.X && lineage.CropBox.Y <= lineage.FaceBox.Y
            && lineage.CropBox.X + lineage.CropBox.Width >= lineage.FaceBox.X + lineage.FaceBox.Width
            && lineage.CropBox.Y + lineage.CropBox.Height >= lineage.FaceBox.Y + lineage.FaceBox.Height);
        Assert.Equal(512, lineage.OutputWidth);
        Assert.False(string.IsNullOrEmpty(lineage.WorkerVersion));
        Assert.True(lineage.ProcessingMs > 0);

        // The raw frame is read, never rewritten.
        var raw = await Lake.S3.GetObjectOrNullAsync(frame.Bucket, frame.Key, Ct);
        Assert.Equal(bytes, raw!.Content.ToArray());
    }

    [Fact]
    public async Task Health_is_healthy_once_the_worker_consumes()
    {
        using var client = fixture.CreateHttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string body;
        do
        {
            // 503 with "Unhealthy" until the worker consumes; GetStringAsync would throw on the first one.
            using var response = await client.GetAsync("/health", Ct);
            body = await response.Content.ReadAsStringAsync(Ct);
            if (body == "Healthy")
            {
                break;
            }

            await Task.Delay(100, Ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal("Healthy", body);
    }

    public static TheoryData<string> BadInputs => new(
        RejectionReasons.EmptyObject, RejectionReasons.NotAnImage, RejectionReasons.TruncatedImage,
        RejectionReasons.TooManyPixels, RejectionReasons.ObjectMissing, RejectionReasons.ChecksumMismatch);

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_rejected_with_its_reason_and_only_its_label_is_stored(string reason)
    {
        var face = TestFrames.FaceJpeg();
        var frame = reason switch
        {
            RejectionReasons.EmptyObject => await Lake.CaptureAsync(Station, [], Ct),
            RejectionReasons.NotAnImage => await Lake.CaptureAsync(Station, "{\"hello\":\"world\"}"u8.ToArray(), Ct),
            RejectionReasons.TruncatedImage => await Lake.CaptureAsync(Station, face[..(face.Length * 2 / 3)], Ct),
            RejectionReasons.TooManyPixels => await Lake.CaptureAsync(Station, TestFrames.BlankJpeg(8000, 5001), Ct),
            RejectionReasons.ObjectMissing => await Lake.CaptureAsync(Station, face, Ct, store: false),
            RejectionReasons.ChecksumMismatch => await Lake.CaptureAsync(Station, face, Ct, sha256: new string('0', 64)),
            _ => throw new ArgumentOutOfRangeException(nameof(reason)),
        };

        await AssertRejectedAsync(frame, reason);
    }

    [Theory]
    [InlineData("camera.png")]
    [InlineData("coffee.png")]
    [InlineData("chelsea.png")]
    public async Task Frames_without_a_person_are_rejected_as_no_face(string photo)
    {
        var frame = await Lake.CaptureAsync(Station, TestFrames.PhotoJpeg(photo), Ct);
        await AssertRejectedAsync(frame, RejectionReasons.NoFace);
    }

    [Fact]
    public async Task A_redelivered_frame_overwrites_the_same_keys_and_the_stream_keeps_one_event()
    {
        var frame = await Lake.CaptureAsync(Station, TestFrames.FaceJpeg(300, 200, 1.1), Ct);
        await Lake.WaitForOutcomeAsync(frame.FrameId, Ct);

        // The same event again under another message id: the worker handles the frame a second time.
        await Lake.PublishAsync(frame, Ct, msgId: frame.FrameId + ":again");
        var marker = await Lake.CaptureAsync(Station, TestFrames.PhotoJpeg("coffee.png"), Ct);
        await Lake.WaitForOutcomeAsync(marker.FrameId, Ct);
        await WaitUntilConsumerIdleAsync();

        var events = await Lake.OutcomesAsync(Ct);
        Assert.Single(events, e => e.FrameId == frame.FrameId);
        var keys = await Lake.ProcessedKeysAsync(ObjectKeys.Processed(Station, frame.Key)[..^ObjectKeys.JpegExtension.Length], Ct);
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task A_payload_that_is_not_a_frame_event_is_dead_lettered()
    {
        var payload = "{\"frameId\":\"not-a-frame\"}"u8.ToArray();
        var ack = await Lake.Js.PublishAsync(Subjects.FramesRaw(Station), payload, NatsRawSerializer<byte[]>.Default, cancellationToken: Ct);
        ack.EnsureSuccess();

        var letter = await Lake.WaitForDeadLetterAsync(ack.Seq, Ct);
        Assert.Equal("preprocessor", letter.Consumer);
        Assert.Equal(Subjects.FramesRaw(Station), letter.Subject);
        Assert.Contains("not a FrameCaptured", letter.LastError, StringComparison.Ordinal);
        Assert.Equal("{\"frameId\":\"not-a-frame\"}", letter.Payload);
    }

    private async Task AssertRejectedAsync(FrameCaptured frame, string reason)
    {
        var outcome = await Lake.WaitForOutcomeAsync(frame.FrameId, Ct);
        Assert.Equal(Subjects.FramesRejected(Station), outcome.Subject);
        Assert.Equal(MessageIds.Rejected(frame.FrameId), outcome.MsgId);
        var rejected = JsonSerializer.Deserialize(outcome.Data, ContractsJsonContext.Default.FrameRejected)!;
        Assert.Equal(reason, rejected.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Detail));
        Assert.False(await Lake.ExistsAsync(Buckets.Processed, ObjectKeys.Processed(Station, frame.Key), Ct));
        Assert.False(await Lake.ExistsAsync(Buckets.Processed, ObjectKeys.Sidecar(ObjectKeys.Processed(Station, frame.Key)), Ct));

        // The outcome is kept in the lake beside the busts, so a history older than the stream still has it.
        Assert.Equal(Buckets.Processed, rejected.LabelBucket);
        Assert.Equal(ObjectKeys.RejectionLabel(Station, frame.Key), rejected.LabelKey);
        var stored = await Lake.S3.GetObjectOrNullAsync(Buckets.Processed, rejected.LabelKey!, Ct);
        var label = JsonSerializer.Deserialize(stored!.Content.Span, ContractsJsonContext.Default.RejectionLabel)!;
        Assert.Equal((frame.FrameId, reason, rejected.Detail, frame.Key), (label.FrameId, label.Reason, label.Detail, label.SourceKey));
        if (reason == RejectionReasons.NoFace)
        {
            // Detection ran: the label names the detector and what the gates measured.
            Assert.NotNull(label.Detector);
            Assert.True(label.Scores!.ContainsKey("brightness"));
            Assert.Equal(frame.Sha256, label.SourceSha256);
        }
    }

    private async Task WaitUntilConsumerIdleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var consumer = await Lake.Js.GetConsumerAsync(Streams.Frames, "preprocessor", Ct);
            if (consumer.Info is { NumPending: 0, NumAckPending: 0 })
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        throw new TimeoutException("The preprocessor consumer still had pending messages after 30 s.");
    }
}
