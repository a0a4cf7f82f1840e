using MobileX.Contracts;

namespace MobileX.Api.Stations;

/// <summary>A station's live status as the API reports it.</summary>
/// <param name="Health">One of <see cref="StationHealthStates"/>: the station's last report, or silent/unknown.</param>
/// <param name="HealthReason">Why the station is not ok, naming it; null when it is.</param>
/// <param name="LagFrames">Raw frames with no outcome (processed or rejected) yet: how far preprocessing is behind.</param>
/// <param name="LagSeconds">Capture time of the newest raw frame minus that of the newest outcome; 0 when none is behind.</param>
public sealed record StationStatus(
    StationId Id,
    DateTimeOffset? LastFrameAt,
    double RecentFps,
    long Raw,
    long Processed,
    long Rejected,
    string? LatestRawKey,
    string? LatestProcessedKey,
    string Health,
    string? HealthReason,
    long LagFrames,
    double LagSeconds);
