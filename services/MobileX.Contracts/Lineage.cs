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
