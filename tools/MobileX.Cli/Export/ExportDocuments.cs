using System.Text.Json;
using System.Text.Json.Serialization;

namespace MobileX.Cli.Export;

/// <summary>
/// One sample's metadata: the <c>&lt;frameId&gt;.json</c> beside its image in a shard, and (with
/// <see cref="FileName"/>) its row of the imagefolder <c>metadata.jsonl</c>. Bucket and key name the image in the lake.
/// The lineage (processed) or label (rejected) is the lake's document as the contracts write it.
/// </summary>
internal sealed record SampleDocument(
    string FrameId,
    string Station,
    string Stage,
    DateTimeOffset CapturedAt,
    string Bucket,
    string Key,
    string Sha256,
    long Bytes,
    JsonElement? Lineage = null,
    JsonElement? Label = null)
{
    /// <summary>The image relative to <c>metadata.jsonl</c>, the column Hugging Face's imagefolder joins on; only in that file.</summary>
    [JsonPropertyName("file_name")]
    [JsonPropertyOrder(-1)]
    public string? FileName { get; init; }
}

/// <summary>One line of <c>manifest.jsonl</c>: where a sample went and the checksum of its image.</summary>
/// <param name="Shard">The shard (restart unit) the sample belongs to.</param>
/// <param name="Tar">The shard's tar file relative to the export directory, when WebDataset is written.</param>
/// <param name="Members">The sample's tar members, image first.</param>
/// <param name="File">The imagefolder image relative to the export directory, when imagefolder is written.</param>
internal sealed record ManifestLine(
    string FrameId,
    string Station,
    string Stage,
    DateTimeOffset CapturedAt,
    int Shard,
    string? Tar,
    IReadOnlyList<string>? Members,
    string? File,
    string Sha256,
    long Bytes);

/// <summary>A frame left out of the export, and why (its image differs from its sha256, or an object is missing).</summary>
internal sealed record SkippedFrame(string FrameId, string Station, string Bucket, string Key, string Reason);

/// <summary>
/// A complete shard as <c>export-state.json</c> records it: its last sample (where a later run continues) and the
/// lengths the append-only files had once it was written (what a later run truncates them back to).
/// </summary>
internal sealed record ShardRecord(
    int Index,
    int Samples,
    long Bytes,
    string LastStation,
    string LastFrameId,
    DateTimeOffset LastCapturedAt,
    long ManifestLength,
    long MetadataLength);

/// <summary>What was asked for, as the user wrote it; <see cref="Identity"/> is what a later run must match.</summary>
internal sealed record ExportSelectionRecord(
    string Identity,
    IReadOnlyList<string> Stations,
    bool AllStations,
    string Stage,
    DateTimeOffset From,
    DateTimeOffset To,
    int ShardSize,
    string Formats,
    string Split);

/// <summary><c>export-state.json</c>: the selection, the stations in export order and every complete shard.</summary>
internal sealed record ExportState(
    ExportSelectionRecord Selection,
    IReadOnlyList<string> Stations,
    IReadOnlyList<ShardRecord> Shards,
    IReadOnlyList<SkippedFrame> Skipped,
    bool Complete,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    int Version = ExportState.SchemaVersion)
{
    public const int SchemaVersion = 1;

    public int Samples => Shards.Sum(s => s.Samples);

    public long Bytes => Shards.Sum(s => s.Bytes);
}
