namespace MobileX.Contracts;

/// <summary>
/// Where an avatar is stored in <see cref="Buckets.Avatars"/>: <c>&lt;avatarId&gt;/image</c> and its lineage
/// <c>&lt;avatarId&gt;/lineage.json</c>. The id is an <see cref="AvatarId"/> (a UUIDv7), so keys sort by creation time
/// and a lookup by id needs no listing.
/// </summary>
public static class AvatarKeys
{
    public static string Image(AvatarId avatarId) => $"{avatarId}/image";

    public static string Lineage(AvatarId avatarId) => $"{avatarId}/lineage.json";
}

/// <summary>
/// Everything that made an avatar: the source frame, the request, the backend and how long it took. Stored beside the
/// image and answered by <c>GET /api/avatars/{id}/meta</c>.
/// </summary>
public sealed record AvatarLineage(
    AvatarId AvatarId,
    string Bucket,
    string Key,
    string ContentType,
    int Width,
    int Height,
    long Bytes,
    string Sha256,
    StationId? StationId,
    FrameId? SourceFrameId,
    string SourceBucket,
    string SourceKey,
    string Prompt,
    string? NegativePrompt,
    string? Style,
    long Seed,
    double Strength,
    string Backend,
    string? Model,
    IReadOnlyDictionary<string, string> Parameters,
    double InferenceMs,
    double DurationMs,
    string Instance,
    DateTimeOffset CreatedAt,
    int Version = AvatarLineage.SchemaVersion)
{
    public const int SchemaVersion = 1;
}
