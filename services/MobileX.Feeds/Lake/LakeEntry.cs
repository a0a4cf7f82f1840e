using MobileX.Contracts;

namespace MobileX.Feeds.Lake;

/// <summary>
/// One frame as the lake lists it, before any object is read: the listed object (a raw frame, a bust, or a rejection
/// label) and where the frame's image is. Built from the key alone, so listing costs one request per thousand frames.
/// </summary>
/// <param name="Bucket">The listed object's bucket.</param>
/// <param name="Key">The listed object's key: the raw frame, the bust, or the rejection label.</param>
/// <param name="ImageBucket">Where the frame's image is: the raw frame for raw and rejected, the bust for processed.</param>
/// <param name="ImageKey">The image's key.</param>
/// <param name="LastModified">When the listed object was written; the feed uses it to find what the stream may also hold.</param>
public sealed record LakeEntry(
    FrameId FrameId,
    StationId Station,
    FrameStage Stage,
    DateTimeOffset CapturedAt,
    string Bucket,
    string Key,
    string ImageBucket,
    string ImageKey,
    long Size,
    DateTimeOffset LastModified)
{
    /// <summary>The lineage sidecar of a processed frame; null for the other stages.</summary>
    public string? LineageKey => Stage == FrameStage.Processed ? ObjectKeys.Sidecar(Key) : null;

    /// <summary>The rejection label of a rejected frame; null for the other stages.</summary>
    public string? LabelKey => Stage == FrameStage.Rejected ? Key : null;
}
