using MobileX.Contracts;

namespace MobileX.Api.Lake;

/// <summary>What a lake object holds, read from its bucket and key.</summary>
public enum LakeObjectKind
{
    /// <summary>A raw frame in <c>station-NN</c>, never modified.</summary>
    RawFrame,

    /// <summary>A bust crop in <c>processed</c>.</summary>
    Bust,

    /// <summary>A bust's lineage sidecar in <c>processed</c>.</summary>
    Lineage,

    /// <summary>A rejected frame's label in <c>processed</c>.</summary>
    RejectionLabel,

    /// <summary>A generated avatar image in <c>avatars</c>.</summary>
    AvatarImage,

    /// <summary>An avatar's lineage in <c>avatars</c>.</summary>
    AvatarLineage,
}

/// <summary>
/// A bucket and key that name an object of the lake's contracts (docs/contracts.md), and nothing else: the API serves
/// only what its own pipeline writes, in the exact form the contracts write it.
/// </summary>
public sealed record LakeAddress(string Bucket, string Key, LakeObjectKind Kind)
{
    /// <summary>The route all lake downloads share.</summary>
    public const string RoutePrefix = "/api/lake";

    /// <summary>The download path of this object, <c>/api/lake/{bucket}/{key}</c>.</summary>
    public string DownloadPath => PathOf(Bucket, Key);

    /// <summary>
    /// What the object may be assumed to hold when the store names no type; the JSON objects are always served as
    /// JSON, since they are written by the pipeline as such.
    /// </summary>
    public string? FixedContentType => Kind is LakeObjectKind.Lineage or LakeObjectKind.RejectionLabel or LakeObjectKind.AvatarLineage ? "application/json" : null;

    /// <summary>
    /// Whether the key's bytes can never change. Raw frames are never modified (docs/contracts.md) and an avatar id is
    /// used once. The preprocessor may write a processed object again under the same key (a redelivered frame gets a
    /// new lineage timestamp, a newer worker a new crop), so those are revalidated by ETag instead.
    /// </summary>
    public bool Immutable => Kind is LakeObjectKind.RawFrame or LakeObjectKind.AvatarImage or LakeObjectKind.AvatarLineage;

    /// <summary><c>/api/lake/{bucket}/{key}</c>; every key segment is escaped, though contract keys need none.</summary>
    public static string PathOf(string bucket, string key) =>
        $"{RoutePrefix}/{Uri.EscapeDataString(bucket)}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>
    /// The address for a route's bucket and key, or null with <paramref name="problem"/> naming what is wrong: an
    /// unknown bucket, a key with empty, <c>.</c> or <c>..</c> segments or characters no contract key has, or a key
    /// that is not in the bucket's contract form.
    /// </summary>
    public static LakeAddress? TryResolve(string bucket, string key, out LakeAddressProblem? problem)
    {
        problem = null;
        var isStation = Buckets.TryGetStation(bucket, out var bucketStation);
        if (!isStation && bucket is not (Buckets.Processed or Buckets.Avatars))
        {
            problem = new("Unknown bucket",
                $"'{bucket}' is not a lake bucket: use station-NN (raw frames, NN from 01 to 99), {Buckets.Processed} (busts, lineage sidecars, rejection labels) or {Buckets.Avatars} (avatar images and lineage).");
            return null;
        }

        if (TraversalIn(key) is { } traversal)
        {
            problem = new("Key is not a plain path", $"The key '{key}' {traversal}. Lake keys are plain paths: no empty, '.' or '..' segments, no backslashes, control characters or percent-escapes.");
            return null;
        }

        // Each parse is followed by writing the key back from what was parsed: only the exact form the pipeline
        // writes is served (no upper-case ids, no unpadded dates), so one object has exactly one download path.
        if (isStation)
        {
            return ObjectKeys.TryParseFrame(key, out var capturedAt, out var frameId) && ObjectKeys.Frame(capturedAt, frameId) == key
                ? new LakeAddress(bucket, key, LakeObjectKind.RawFrame)
                : Mismatch(out problem, bucket, key, $"a raw frame key yyyy/MM/dd/HH/HHmmssfff-<frameId>.jpg (UTC, the hour folder matching the time, frameId 32 lower-case hex digits) in bucket {Buckets.Station(bucketStation)}");
        }

        if (bucket == Buckets.Processed)
        {
            if (ObjectKeys.TryParseProcessed(key, out var station, out var kind, out var sourceKey, out var capturedAt, out var frameId)
                && ObjectKeys.Frame(capturedAt, frameId) == sourceKey)
            {
                var bust = ObjectKeys.Processed(station, sourceKey);
                var (canonical, objectKind) = kind switch
                {
                    ProcessedObjectKind.Bust => (bust, LakeObjectKind.Bust),
                    ProcessedObjectKind.Lineage => (ObjectKeys.Sidecar(bust), LakeObjectKind.Lineage),
                    _ => (ObjectKeys.RejectionLabel(station, sourceKey), LakeObjectKind.RejectionLabel),
                };
                if (canonical == key)
                {
                    return new LakeAddress(bucket, key, objectKind);
                }
            }

            return Mismatch(out problem, bucket, key,
                "station-NN/yyyy/MM/dd/HH/HHmmssfff-<frameId> followed by .jpg (bust), .json (lineage sidecar) or .rejected.json (rejection label)");
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && AvatarId.TryParse(key[..slash], out var avatarId))
        {
            if (key == AvatarKeys.Image(avatarId))
            {
                return new LakeAddress(bucket, key, LakeObjectKind.AvatarImage);
            }

            if (key == AvatarKeys.Lineage(avatarId))
            {
                return new LakeAddress(bucket, key, LakeObjectKind.AvatarLineage);
            }
        }

        return Mismatch(out problem, bucket, key, "<avatarId>/image or <avatarId>/lineage.json (avatarId 32 lower-case hex digits)");
    }

    private static LakeAddress? Mismatch(out LakeAddressProblem problem, string bucket, string key, string expected)
    {
        problem = new("Key does not match the bucket's contract", $"'{key}' is not a key of bucket {bucket}: expected {expected}.");
        return null;
    }

    /// <summary>Why the key is not a plain relative path, or null when it is.</summary>
    private static string? TraversalIn(string key)
    {
        if (key.Length == 0)
        {
            return "is empty";
        }

        foreach (var c in key)
        {
            if (c == '\\')
            {
                return "contains a backslash";
            }

            if (c == '%')
            {
                // Routing leaves an escaped slash (%2F) escaped; a key that still holds a '%' is trying to smuggle one.
                return "contains a percent-escape";
            }

            if (char.IsControl(c))
            {
                return "contains a control character";
            }
        }

        foreach (var segment in key.Split('/'))
        {
            switch (segment)
            {
                case "":
                    return "has an empty segment (a leading, trailing or doubled '/')";
                case ".":
                case "..":
                    return $"has a '{segment}' segment";
            }
        }

        return null;
    }
}

/// <summary>Why a bucket and key are not a lake object: a problem title and a detail that names the fault.</summary>
public sealed record LakeAddressProblem(string Title, string Detail);
