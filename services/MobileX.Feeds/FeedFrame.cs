using System.Diagnostics;
using MobileX.Contracts;
using MobileX.Feeds.Lake;

namespace MobileX.Feeds;

/// <summary>Where a feed took a frame from.</summary>
public enum FeedOrigin
{
    /// <summary>The lake's history, listed by key.</summary>
    Lake,

    /// <summary>The live stream, from the model's durable consumer.</summary>
    Live,
}

/// <summary>
/// One frame of a <see cref="FrameFeed"/>, the same whether it came from the lake or the stream. Its bytes, lineage
/// and label are claim checks resolved on demand (a coverage model never reads an image). Ack it once handled: the
/// feed is at-least-once, and an unacked frame comes again after a restart.
/// </summary>
public sealed class FeedFrame
{
    private readonly LakeReader _lake;
    private readonly Func<CancellationToken, ValueTask> _ack;
    private readonly Func<TimeSpan, CancellationToken, ValueTask> _nak;

    internal FeedFrame(
        FrameId frameId, StationId station, FrameStage stage, DateTimeOffset capturedAt, FeedOrigin origin,
        string imageBucket, string imageKey, string? expectedSha256, string? lineageKey, string? labelKey, string? reason,
        ulong? streamSequence, ActivityContext trace, LakeReader lake, Func<CancellationToken, ValueTask> ack, Func<TimeSpan, CancellationToken, ValueTask> nak)
    {
        FrameId = frameId;
        Station = station;
        Stage = stage;
        CapturedAt = capturedAt;
        Origin = origin;
        ImageBucket = imageBucket;
        ImageKey = imageKey;
        ExpectedSha256 = expectedSha256;
        LineageKey = lineageKey;
        LabelKey = labelKey;
        Reason = reason;
        StreamSequence = streamSequence;
        Trace = trace;
        _lake = lake;
        _ack = ack;
        _nak = nak;
    }

    public FrameId FrameId { get; }

    public StationId Station { get; }

    public FrameStage Stage { get; }

    public DateTimeOffset CapturedAt { get; }

    public FeedOrigin Origin { get; }

    /// <summary>The frame's image: the raw frame for raw and rejected frames, the bust for processed ones.</summary>
    public string ImageBucket { get; }

    public string ImageKey { get; }

    /// <summary>The sha256 the frame's event announced; null for a lake frame, whose object metadata holds it.</summary>
    public string? ExpectedSha256 { get; }

    /// <summary>The lineage sidecar in <c>processed</c> (processed frames).</summary>
    public string? LineageKey { get; }

    /// <summary>The rejection label in <c>processed</c> (rejected frames).</summary>
    public string? LabelKey { get; }

    /// <summary>Why a rejected frame was refused, when the event said so; a lake frame's reason is in its label.</summary>
    public string? Reason { get; }

    /// <summary>The stream sequence of a live frame.</summary>
    public ulong? StreamSequence { get; }

    /// <summary>
    /// The trace the frame's event carried (W3C <c>traceparent</c>): start the model's activity with it as parent, so
    /// the frame's trace runs from capture through preprocessing into the model in the dashboard. Empty for lake frames.
    /// </summary>
    public ActivityContext Trace { get; }

    /// <summary>Reads the image and checks its sha256.</summary>
    /// <exception cref="FrameIntegrityException">It is missing or differs from what was announced.</exception>
    public Task<FrameImage> ReadImageAsync(CancellationToken cancellationToken = default) =>
        _lake.ReadImageAsync(ImageBucket, ImageKey, ExpectedSha256, cancellationToken);

    /// <summary>Reads a processed frame's lineage (source, detector, boxes, checksums).</summary>
    public Task<ProcessedLineage> ReadLineageAsync(CancellationToken cancellationToken = default) =>
        LineageKey is { } key ? _lake.ReadLineageAsync(key, cancellationToken)
            : throw new InvalidOperationException($"Frame {FrameId} is {Stage.Token()}; only processed frames have a lineage.");

    /// <summary>Reads a rejected frame's label (reason, detector, scores).</summary>
    public Task<RejectionLabel> ReadLabelAsync(CancellationToken cancellationToken = default) =>
        LabelKey is { } key ? _lake.ReadLabelAsync(key, cancellationToken)
            : throw new InvalidOperationException($"Frame {FrameId} is {Stage.Token()}; only rejected frames have a label (and only since labels exist).");

    /// <summary>Marks the frame handled: it will not be delivered again.</summary>
    public ValueTask AckAsync(CancellationToken cancellationToken = default) => _ack(cancellationToken);

    /// <summary>Asks for the frame again after <paramref name="delay"/> (a transient fault).</summary>
    public ValueTask NakAsync(TimeSpan delay, CancellationToken cancellationToken = default) => _nak(delay, cancellationToken);

    public override string ToString() => $"{Station}/{Stage.Token()}/{FrameId} ({Origin})";
}
