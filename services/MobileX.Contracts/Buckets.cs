namespace MobileX.Contracts;

/// <summary>Object-store buckets: one per station for raw frames, one for processed frames, one for avatars.</summary>
public static class Buckets
{
    /// <summary><c>station-NN</c>: raw frames as captured, never modified.</summary>
    public static string Station(StationId station) => $"station-{station}";

    /// <summary>Bust crops at Stable Diffusion sizes, each with a lineage sidecar.</summary>
    public const string Processed = "processed";

    /// <summary>Generated images, each with a lineage sidecar.</summary>
    public const string Avatars = "avatars";

    /// <summary>Reads the station out of a <c>station-NN</c> bucket name.</summary>
    public static bool TryGetStation(string bucket, out StationId station)
    {
        station = default;
        return bucket.StartsWith("station-", StringComparison.Ordinal) && StationId.TryParse(bucket["station-".Length..], out station);
    }
}
