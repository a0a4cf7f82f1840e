using System.Globalization;

namespace MobileX.Contracts;

/// <summary>
/// Object keys, time-partitioned in UTC so a training job lists one station and hour with a prefix:
/// <c>yyyy/MM/dd/HH/HHmmssfff-&lt;frameId&gt;.jpg</c>. A processed object mirrors its source as
/// <c>station-NN/&lt;same key&gt;</c>; lineage sits beside an object as <c>&lt;key without .jpg&gt;.json</c>.
/// </summary>
public static class ObjectKeys
{
    public const string JpegExtension = ".jpg";
    public const string SidecarExtension = ".json";
    public const string RejectionLabelExtension = ".rejected.json";

    /// <summary>The raw frame key for a capture time and frame id.</summary>
    public static string Frame(DateTimeOffset capturedAt, FrameId frameId)
    {
        var t = capturedAt.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{t:yyyy}/{t:MM}/{t:dd}/{t:HH}/{t:HHmmssfff}-{frameId}{JpegExtension}");
    }

    /// <summary>The prefix that lists one hour of one station (or of the processed mirror with <see cref="Processed"/>).</summary>
    public static string HourPrefix(DateTimeOffset hour)
    {
        var t = hour.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{t:yyyy}/{t:MM}/{t:dd}/{t:HH}/");
    }

    /// <summary>The processed object's key: <c>station-NN/&lt;source key&gt;</c> in bucket <c>processed</c>.</summary>
    public static string Processed(StationId station, string sourceKey) => $"{Buckets.Station(station)}/{sourceKey}";

    /// <summary>The lineage sidecar beside an object.</summary>
    public static string Sidecar(string key) =>
        (key.EndsWith(JpegExtension, StringComparison.Ordinal) ? key[..^JpegExtension.Length] : key) + SidecarExtension;

    /// <summary>
    /// The rejection label of a frame, beside where its bust would be: <c>station-NN/&lt;source key without
    /// .jpg&gt;.rejected.json</c> in bucket <c>processed</c>.
    /// </summary>
    public static string RejectionLabel(StationId station, string sourceKey)
    {
        var processed = Processed(station, sourceKey);
        return (processed.EndsWith(JpegExtension, StringComparison.Ordinal) ? processed[..^JpegExtension.Length] : processed) + RejectionLabelExtension;
    }

    /// <summary>
    /// Reads a key of bucket <c>processed</c> (<c>station-NN/yyyy/MM/dd/HH/HHmmssfff-&lt;frameId&gt;</c> + <c>.jpg</c>,
    /// <c>.json</c> or <c>.rejected.json</c>): which station, frame and capture time, and which kind of object.
    /// The source key is the raw frame's key in <c>station-NN</c>.
    /// </summary>
    public static bool TryParseProcessed(string key, out StationId station, out ProcessedObjectKind kind, out string sourceKey, out DateTimeOffset capturedAt, out FrameId frameId)
    {
        station = default;
        kind = default;
        sourceKey = string.Empty;
        capturedAt = default;
        frameId = default;
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !Buckets.TryGetStation(key[..slash], out station))
        {
            return false;
        }

        var rest = key[(slash + 1)..];
        string stem;
        if (rest.EndsWith(RejectionLabelExtension, StringComparison.Ordinal))
        {
            kind = ProcessedObjectKind.RejectionLabel;
            stem = rest[..^RejectionLabelExtension.Length];
        }
        else if (rest.EndsWith(SidecarExtension, StringComparison.Ordinal))
        {
            kind = ProcessedObjectKind.Lineage;
            stem = rest[..^SidecarExtension.Length];
        }
        else if (rest.EndsWith(JpegExtension, StringComparison.Ordinal))
        {
            kind = ProcessedObjectKind.Bust;
            stem = rest[..^JpegExtension.Length];
        }
        else
        {
            return false;
        }

        sourceKey = stem + JpegExtension;
        return TryParseFrame(sourceKey, out capturedAt, out frameId);
    }

    /// <summary>Reads capture time and frame id back out of a frame key; false for anything else.</summary>
    public static bool TryParseFrame(string key, out DateTimeOffset capturedAt, out FrameId frameId)
    {
        capturedAt = default;
        frameId = default;
        // yyyy/MM/dd/HH/HHmmssfff-<id>.jpg
        var parts = key.Split('/');
        if (parts.Length != 5 || !parts[4].EndsWith(JpegExtension, StringComparison.Ordinal))
        {
            return false;
        }

        var name = parts[4][..^JpegExtension.Length];
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash != 9 || !FrameId.TryParse(name[(dash + 1)..], out frameId))
        {
            return false;
        }

        var stamp = $"{parts[0]}{parts[1]}{parts[2]}{name[..dash]}";
        if (!DateTime.TryParseExact(stamp, "yyyyMMddHHmmssfff", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            || time.ToString("HH", CultureInfo.InvariantCulture) != parts[3])
        {
            return false;
        }

        capturedAt = new DateTimeOffset(time, TimeSpan.Zero);
        return true;
    }
}

/// <summary>What a key of bucket <c>processed</c> holds.</summary>
public enum ProcessedObjectKind
{
    /// <summary>The bust crop, <c>….jpg</c>.</summary>
    Bust,

    /// <summary>The bust's lineage sidecar, <c>….json</c> (<see cref="ProcessedLineage"/>).</summary>
    Lineage,

    /// <summary>A rejected frame's label, <c>….rejected.json</c> (<see cref="RejectionLabel"/>).</summary>
    RejectionLabel,
}
