using System.Globalization;

namespace MobileX.Contracts;

/// <summary>Why an event was refused: <see cref="RejectionReasons.StationMismatch"/> or <see cref="RejectionReasons.BadKey"/>, and what disagreed.</summary>
public sealed record EventCheckFailure(string Reason, string Detail);

/// <summary>
/// Checks an event against the subject it arrived on. The server lets a station publish only on its own subjects, so
/// the subject is the one thing a station cannot forge; the body is whatever the publisher wrote. An event passes only
/// when its station and buckets are the ones its subject names and its keys are exactly the contract's keys for its
/// frame (<see cref="ObjectKeys"/>), so no <c>../</c>, absolute or foreign key, and no other station's or service's
/// bucket, ever reaches an S3 call. The preprocessor and the API both call these checks before they read anything.
/// </summary>
public static class EventChecks
{
    // A forged key can be any length; the detail quotes enough of it to recognise.
    private const int QuotedLength = 120;

    /// <summary>A raw-frame event on <c>mobilex.stations.NN.frames.raw</c>: station NN, bucket <c>station-NN</c>, the frame's own key.</summary>
    public static EventCheckFailure? Check(string subject, FrameCaptured frame)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(frame);
        return SubjectStation(subject, FrameStage.Raw, out var station)
            ?? SameStation(station, frame.StationId)
            ?? Bucket("bucket", frame.Bucket, Buckets.Station(station))
            ?? FrameKey("key", frame.Key, frame.CapturedAt, frame.FrameId);
    }

    /// <summary>
    /// A processed-frame event on <c>mobilex.stations.NN.frames.processed</c>: its source in <c>station-NN</c> under the
    /// frame's key, its bust and lineage in <c>processed</c> under <c>station-NN/</c>.
    /// </summary>
    public static EventCheckFailure? Check(string subject, FrameProcessed frame)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(frame);
        return SubjectStation(subject, FrameStage.Processed, out var station)
            ?? SameStation(station, frame.StationId)
            ?? Bucket("sourceBucket", frame.SourceBucket, Buckets.Station(station))
            ?? Bucket("bucket", frame.Bucket, Buckets.Processed)
            ?? FrameKey("sourceKey", frame.SourceKey, frame.CapturedAt, frame.FrameId)
            ?? Exact("key", frame.Key, ObjectKeys.Processed(station, frame.SourceKey))
            ?? Exact("lineageKey", frame.LineageKey, ObjectKeys.Sidecar(ObjectKeys.Processed(station, frame.SourceKey)));
    }

    /// <summary>A rejected-frame event on <c>mobilex.stations.NN.frames.rejected</c>: its source and label in the station's place.</summary>
    public static EventCheckFailure? Check(string subject, FrameRejected frame)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(frame);
        return SubjectStation(subject, FrameStage.Rejected, out var station)
            ?? SameStation(station, frame.StationId)
            ?? Bucket("sourceBucket", frame.SourceBucket, Buckets.Station(station))
            ?? FrameKey("sourceKey", frame.SourceKey, frame.CapturedAt, frame.FrameId)
            ?? (frame.LabelBucket is null ? null : Bucket("labelBucket", frame.LabelBucket, Buckets.Processed))
            ?? (frame.LabelKey is null ? null : Exact("labelKey", frame.LabelKey, ObjectKeys.RejectionLabel(station, frame.SourceKey)));
    }

    /// <summary>A health report on <c>mobilex.stations.NN.health</c>: about station NN.</summary>
    public static EventCheckFailure? Check(string subject, StationHealth report)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(report);
        if (!Subjects.TryGetStation(subject, out var station) || subject != Subjects.StationHealth(station))
        {
            return new(RejectionReasons.StationMismatch, $"'{Quote(subject)}' is not a station's health subject.");
        }

        return SameStation(station, report.StationId);
    }

    /// <summary>
    /// Whether <paramref name="bucket"/>/<paramref name="key"/> is one of <paramref name="station"/>'s frame objects
    /// at <paramref name="stage"/>: a raw frame in <c>station-NN</c>, or a bust in <c>processed</c> under
    /// <c>station-NN/</c>, each under the contract's key. The last check before an S3 read of an event's object.
    /// </summary>
    public static bool IsStationFrame(StationId station, FrameStage stage, string bucket, string key)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(key);
        switch (stage)
        {
            case FrameStage.Raw:
                return bucket == Buckets.Station(station) && IsFrameKey(key);
            case FrameStage.Processed:
                return bucket == Buckets.Processed
                    && ObjectKeys.TryParseProcessed(key, out var owner, out var kind, out var sourceKey, out _, out _)
                    && owner == station && kind == ProcessedObjectKind.Bust && IsFrameKey(sourceKey)
                    && ObjectKeys.Processed(station, sourceKey) == key;
            default:
                return false;
        }
    }

    /// <summary>The station's raw-frame key as the contract writes it (<see cref="ObjectKeys.Frame"/>), character for character.</summary>
    public static bool IsFrameKey(string key) =>
        ObjectKeys.TryParseFrame(key, out var capturedAt, out var frameId) && ObjectKeys.Frame(capturedAt, frameId) == key;

    private static EventCheckFailure? SubjectStation(string subject, FrameStage stage, out StationId station)
    {
        if (Subjects.TryGetStation(subject, out station) && subject == Subjects.Frames(station, stage))
        {
            return null;
        }

        return new(RejectionReasons.StationMismatch, $"'{Quote(subject)}' is not a station's {stage.Token()} subject, so the event belongs to no station.");
    }

    private static EventCheckFailure? SameStation(StationId subject, StationId body) => subject == body
        ? null
        : new(RejectionReasons.StationMismatch, $"The event names station {body}; it arrived on station {subject}'s subject.");

    private static EventCheckFailure? Bucket(string field, string? actual, string expected) => actual == expected
        ? null
        : new(RejectionReasons.StationMismatch, $"{field} '{Quote(actual)}' is not {expected}, the bucket its subject's station writes to.");

    private static EventCheckFailure? FrameKey(string field, string? key, DateTimeOffset capturedAt, FrameId frameId)
    {
        var expected = ObjectKeys.Frame(capturedAt, frameId);
        return key == expected
            ? null
            : new(RejectionReasons.BadKey, string.Create(CultureInfo.InvariantCulture,
                $"{field} '{Quote(key)}' is not the contract's key for frame {frameId} captured at {capturedAt:O}, which is '{expected}'."));
    }

    private static EventCheckFailure? Exact(string field, string? actual, string expected) => actual == expected
        ? null
        : new(RejectionReasons.BadKey, $"{field} '{Quote(actual)}' is not '{expected}', the contract's key for this frame.");

    private static string Quote(string? text) => text is null ? "(none)"
        : text.Length <= QuotedLength ? text
        : text[..QuotedLength] + "…";
}
