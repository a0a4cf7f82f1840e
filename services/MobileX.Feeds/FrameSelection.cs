using MobileX.Contracts;

namespace MobileX.Feeds;

/// <summary>
/// Which frames a feed or an export reads: some or all stations, one or more stages, and a capture-time range
/// <c>[From, To)</c> (open at either end). The same selection reads the lake's history and the stream's live frames.
/// </summary>
public sealed record FrameSelection
{
    /// <summary>The stations to read; empty means every station that has data.</summary>
    public IReadOnlyList<StationId> Stations { get; init; } = [];

    /// <summary>The stages to read; at least one.</summary>
    public IReadOnlyList<FrameStage> Stages { get; init; } = [FrameStage.Processed];

    /// <summary>Oldest capture time read (inclusive); null reads the lake from its first frame.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Set when <see cref="From"/> was derived as "this long before the start": the fingerprint keeps the rule, not the instant.</summary>
    public TimeSpan? Since { get; init; }

    /// <summary>Capture time read up to (exclusive); null follows live frames for ever.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>True when the frame is in this selection.</summary>
    public bool Contains(StationId station, FrameStage stage, DateTimeOffset capturedAt) =>
        (Stations.Count == 0 || Stations.Contains(station))
        && Stages.Contains(stage)
        && (From is not { } from || capturedAt >= from)
        && (To is not { } to || capturedAt < to);

    /// <summary>A short text that changes whenever the selection does; a checkpoint of another selection is not reused.</summary>
    public string Fingerprint() =>
        string.Join(';',
            "stations=" + (Stations.Count == 0 ? "*" : string.Join(',', Stations.Order())),
            "stages=" + string.Join(',', Stages.Distinct().Order().Select(s => s.Token())),
            Since is { } since ? "since=" + since.ToString("c") : "from=" + (From?.UtcDateTime.ToString("O") ?? "-"),
            "to=" + (To?.UtcDateTime.ToString("O") ?? "-"));

    /// <summary>Checks the selection; the message names what is wrong.</summary>
    public void Validate()
    {
        if (Stages.Count == 0)
        {
            throw new ArgumentException("A frame selection needs at least one stage (raw, processed or rejected).");
        }

        if (From is { } from && To is { } to && to <= from)
        {
            throw new ArgumentException($"The selection ends ({to:O}) before it starts ({from:O}).");
        }
    }
}
