namespace MobileX.Contracts;

/// <summary>A rectangle in source pixels; a crop box may reach past the frame where it was padded.</summary>
public sealed record PixelBox(int X, int Y, int Width, int Height);

/// <summary>Which detector found the face, and how it was tuned.</summary>
public sealed record DetectorInfo(string Name, string Model, IReadOnlyDictionary<string, string> Parameters);

/// <summary>
/// The lineage sidecar of a processed frame (<c>processed/station-NN/&lt;source key without .jpg&gt;.json</c>): enough for
/// any later model to trace a crop to its raw frame, check the source bytes and reproduce the crop.
/// </summary>
public sealed record ProcessedLineage(
    FrameId FrameId,
    StationId StationId,
    DateTimeOffset CapturedAt,
    string SourceBucket,
    string SourceKey,
    string SourceSha256,
    int SourceWidth,
    int SourceHeight,
    DetectorInfo Detector,
    PixelBox FaceBox,
    PixelBox CropBox,
    int OutputWidth,
    int OutputHeight,
    string OutputSha256,
    string WorkerVersion,
    DateTimeOffset ProcessedAt,
    double ProcessingMs,
    int Version = ProcessedLineage.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>
/// The label of a rejected frame (<c>processed/station-NN/&lt;source key without .jpg&gt;.rejected.json</c>), kept beside
/// the busts so the lake holds every outcome: why the frame was refused, by which detector, with the measured scores
/// (for example <c>brightness</c>, <c>sharpness</c>, <c>faceWidth</c>). A model trained on "no person here" reads these.
/// </summary>
public sealed record RejectionLabel(
    FrameId FrameId,
    StationId StationId,
    DateTimeOffset CapturedAt,
    string SourceBucket,
    string SourceKey,
    string? SourceSha256,
    string Reason,
    string Detail,
    DetectorInfo? Detector,
    IReadOnlyDictionary<string, double>? Scores,
    string WorkerVersion,
    DateTimeOffset RejectedAt,
    int Version = RejectionLabel.SchemaVersion)
{
    public const int SchemaVersion = 1;
}
