using System.Text.Json.Serialization;

namespace MobileX.Feeds.Checkpoints;

/// <summary>
/// Where a model's feed stands, kept in its NATS key-value bucket so a restarted process (or another pod) resumes.
/// </summary>
/// <param name="Fingerprint">The selection it belongs to; another selection starts over.</param>
/// <param name="HandoverAt">The hand-over instant: lake objects written before it come from the lake, the rest from
/// the model's consumers, which start at this stream time.</param>
/// <param name="BackfillDone">Every lake frame was delivered and acked.</param>
/// <param name="Cursors">Per <c>NN/stage</c>, the newest lake frame acked with every older one acked too.</param>
/// <param name="Overlap">Lake frames written within the write margin before the hand-over, as <c>stage:frameId</c>:
/// the stream may deliver them as well, and the feed skips them there.</param>
internal sealed record FeedCheckpoint(
    string Fingerprint,
    DateTimeOffset HandoverAt,
    bool BackfillDone,
    Dictionary<string, string> Cursors,
    List<string> Overlap,
    int Version = FeedCheckpoint.SchemaVersion)
{
    public const int SchemaVersion = 1;
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FeedCheckpoint))]
internal sealed partial class FeedsJsonContext : JsonSerializerContext;
