namespace MobileX.Contracts;

// The coverage model's contracts (services/MobileX.Coverage): stations as moving observers that cover the blind spots
// of fixed CCTV. Per station, time is split into segments by what the station could tell about its place.

/// <summary>Values of a coverage segment's state.</summary>
public static class CoverageStates
{
    /// <summary>A person was seen: at least one processed bust in the segment.</summary>
    public const string Seen = "seen";

    /// <summary>The station saw its place but no person in it: frames arrived and were all rejected.</summary>
    public const string Empty = "empty";

    /// <summary>The station was blind: no frames at all, for longer than the model's gap setting.</summary>
    public const string Blind = "blind";
}

/// <summary>One stretch of time in one state, <c>[From, To)</c>, with the frames that made it.</summary>
public sealed record CoverageSegment(string State, DateTimeOffset From, DateTimeOffset To, int Processed, int Rejected);

/// <summary>A station's timeline, oldest segment first.</summary>
public sealed record StationCoverage(StationId StationId, string State, DateTimeOffset? LastFrameAt, IReadOnlyList<CoverageSegment> Segments);

/// <summary>
/// The coverage model's snapshot of every station's timeline over its window, published every few seconds on
/// <c>mobilex.models.coverage.timeline</c>. A reader needs only the newest one.
/// </summary>
public sealed record CoverageTimeline(
    DateTimeOffset GeneratedAt,
    TimeSpan Window,
    IReadOnlyList<StationCoverage> Stations,
    int Version = CoverageTimeline.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

/// <summary>A station's coverage state changed; published on <c>mobilex.models.coverage.stations.NN.changed</c>.</summary>
public sealed record CoverageChanged(
    StationId StationId,
    string State,
    string PreviousState,
    DateTimeOffset Since,
    int Version = CoverageChanged.SchemaVersion)
{
    public const int SchemaVersion = 1;
}
