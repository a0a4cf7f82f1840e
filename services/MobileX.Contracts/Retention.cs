namespace MobileX.Contracts;

/// <summary>
/// How long each bucket keeps an object, in days (faces are personal data); 0 keeps it for ever. The AppHost reads
/// <c>MobileX:Retention:&lt;Name&gt;Days</c>, MinIO enforces it with lifecycle rules, and in Local mode (s3rver has no
/// lifecycle) the capture service sweeps (docs/operations.md).
/// </summary>
public static class Retention
{
    /// <summary>Raw frames in every <c>station-NN</c> bucket: a week, enough to reprocess after a fix.</summary>
    public const int StationsDays = 7;

    /// <summary>Bust crops and rejection labels in <c>processed</c>.</summary>
    public const int ProcessedDays = 30;

    /// <summary>Generated avatars and their lineage in <c>avatars</c>.</summary>
    public const int AvatarsDays = 90;

    /// <summary>The retention classes: their names (as in <c>MobileX:Retention:&lt;Name&gt;Days</c>) and defaults.</summary>
    public static readonly IReadOnlyList<(string Name, int DefaultDays)> Classes =
    [
        ("Stations", StationsDays),
        ("Processed", ProcessedDays),
        ("Avatars", AvatarsDays),
    ];

    /// <summary>The class a bucket belongs to: <c>Stations</c> for <c>station-NN</c>, else null for a bucket MobileX does not own.</summary>
    public static string? ClassOf(string bucket) => bucket switch
    {
        Buckets.Processed => "Processed",
        Buckets.Avatars => "Avatars",
        _ when Buckets.TryGetStation(bucket, out _) => "Stations",
        _ => null,
    };
}
