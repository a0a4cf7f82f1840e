using System.Text.Json;
using System.Text.Json.Serialization;

namespace MobileX.Contracts;

// Bus messages. Each names where its bytes are (bucket and key), never carries them, and states its schema version
// (SchemaVersion, sent as version) so a consumer can refuse a shape it does not know.

/// <summary>A raw frame was stored in <see cref="Bucket"/>/<see cref="Key"/>; published on <c>mobilex.stations.NN.frames.raw</c>.</summary>
public sealed record FrameCaptured(
    FrameId FrameId,
    StationId StationId,
    long Sequence,
    DateTimeOffset CapturedAt,
    string Bucket,
    string Key,
    string ContentType,
    int Width,
    int Height,
    long Bytes,
    string Sha256,
    int Version = FrameCaptured.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>A bust crop of <see cref="FrameId"/> was stored; published on <c>mobilex.stations.NN.frames.processed</c>.</summary>
public sealed record FrameProcessed(
    FrameId FrameId,
    StationId StationId,
    DateTimeOffset CapturedAt,
    string SourceBucket,
    string SourceKey,
    string Bucket,
    string Key,
    string LineageKey,
    int Width,
    int Height,
    long Bytes,
    string Sha256,
    DateTimeOffset ProcessedAt,
    int Version = FrameProcessed.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>
/// Preprocessing refused a frame; published on <c>mobilex.stations.NN.frames.rejected</c>. No bust is stored, but the
/// outcome is: a <see cref="RejectionLabel"/> at <see cref="LabelBucket"/>/<see cref="LabelKey"/>, so the lake holds
/// every outcome the stream does. The label fields are null only for events written before labels existed.
/// </summary>
public sealed record FrameRejected(
    FrameId FrameId,
    StationId StationId,
    DateTimeOffset CapturedAt,
    string SourceBucket,
    string SourceKey,
    string Reason,
    string Detail,
    DateTimeOffset RejectedAt,
    string? LabelBucket = null,
    string? LabelKey = null,
    int Version = FrameRejected.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>An avatar was generated and stored; published on <c>mobilex.avatars.created</c>.</summary>
public sealed record AvatarCreated(
    AvatarId AvatarId,
    StationId? StationId,
    FrameId? SourceFrameId,
    string SourceBucket,
    string SourceKey,
    string Bucket,
    string Key,
    string LineageKey,
    string Backend,
    string Prompt,
    DateTimeOffset CreatedAt,
    int Version = AvatarCreated.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>A message a consumer gave up on, with the last error; published on a <c>mobilex.deadletter.*</c> subject.</summary>
public sealed record DeadLetter(
    string Consumer,
    string Subject,
    string? MessageId,
    ulong StreamSequence,
    int Deliveries,
    string LastError,
    string Payload,
    DateTimeOffset DeadAt,
    int Version = DeadLetter.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>
/// A station's delivery health, published by the capture every few seconds on <c>mobilex.stations.NN.health</c>.
/// <see cref="State"/> is one of <see cref="StationHealthStates"/>; <see cref="Reason"/> says why when it is not ok.
/// </summary>
public sealed record StationHealth(
    StationId StationId,
    string State,
    string? Reason,
    DateTimeOffset? FailingSince,
    DateTimeOffset? LastPublishedAt,
    int QueuedFrames,
    long DroppedFrames,
    DateTimeOffset ReportedAt,
    int Version = StationHealth.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>Values of <see cref="StationHealth.State"/> and of the API's station health.</summary>
public static class StationHealthStates
{
    /// <summary>Frames are stored and published.</summary>
    public const string Ok = "ok";

    /// <summary>The station has not stored or published a frame for longer than the capture's <c>FailingAfter</c>.</summary>
    public const string Failing = "failing";

    /// <summary>The station stopped on an error (its source failed); it will not recover by itself.</summary>
    public const string Stopped = "stopped";

    /// <summary>API only: no report arrived for longer than the API's <c>StationSilentAfter</c>.</summary>
    public const string Silent = "silent";

    /// <summary>API only: no report has arrived since the API started.</summary>
    public const string Unknown = "unknown";
}

/// <summary>Why preprocessing refused a frame; the values travel in <see cref="FrameRejected.Reason"/>.</summary>
public static class RejectionReasons
{
    public const string NoFace = "no-face";
    public const string FaceTooSmall = "face-too-small";
    public const string TooDark = "too-dark";
    public const string TooBlurred = "too-blurred";
    public const string EmptyObject = "empty-object";
    public const string NotAnImage = "not-an-image";
    public const string TruncatedImage = "truncated-image";
    public const string TooManyPixels = "too-many-pixels";
    public const string ObjectMissing = "object-missing";
    public const string ChecksumMismatch = "checksum-mismatch";
    public const string UnsupportedVersion = "unsupported-version";

    /// <summary>The event's station or bucket is not the one its subject names (<see cref="EventChecks"/>).</summary>
    public const string StationMismatch = "station-mismatch";

    /// <summary>The event's key is not the contract's key for its frame (<see cref="ObjectKeys"/>, <see cref="EventChecks"/>).</summary>
    public const string BadKey = "bad-key";
}

/// <summary>NATS header names MobileX sets.</summary>
public static class MessageHeaders
{
    /// <summary>JetStream de-duplication id; MobileX sets it to the frame id.</summary>
    public const string MsgId = "Nats-Msg-Id";
}

/// <summary>S3 user-metadata names on raw frames (sent as <c>x-amz-meta-*</c>).</summary>
public static class FrameMetadata
{
    public const string Station = "station";
    public const string FrameId = "frame-id";
    public const string CapturedAt = "captured-at";
    public const string Sha256 = "sha256";
}

/// <summary>Source-generated JSON for every contract type: camelCase, no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FrameCaptured))]
[JsonSerializable(typeof(FrameProcessed))]
[JsonSerializable(typeof(FrameRejected))]
[JsonSerializable(typeof(AvatarCreated))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(StationHealth))]
[JsonSerializable(typeof(ProcessedLineage))]
[JsonSerializable(typeof(RejectionLabel))]
[JsonSerializable(typeof(CoverageChanged))]
[JsonSerializable(typeof(CoverageTimeline))]
[JsonSerializable(typeof(AvatarLineage))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
