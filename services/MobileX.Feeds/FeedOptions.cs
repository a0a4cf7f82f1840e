using MobileX.Contracts;
using Microsoft.Extensions.Options;

namespace MobileX.Feeds;

/// <summary>
/// A model's feed, from section <c>Feeds</c>. The AppHost's <c>AddModel(...).ConsumesFrames(...)</c> sets
/// <c>Feeds__Model</c> and <c>Feeds__Stages__N</c>; the rest have defaults.
/// </summary>
public sealed class FeedOptions
{
    public const string SectionName = "Feeds";

    /// <summary>The model's name (<see cref="ModelName"/>): its consumers, inbox, checkpoint and dead letters are named after it.</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>The stages it reads: <c>raw</c>, <c>processed</c>, <c>rejected</c>.</summary>
    public List<string> Stages { get; set; } = [];

    /// <summary>The stations it reads, as two digits; empty reads all.</summary>
    public List<string> Stations { get; set; } = [];

    /// <summary>Oldest capture time read from the lake; unset reads the whole history.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>
    /// Instead of <see cref="From"/>: read the lake from this long before the feed starts (a rolling window, for a model
    /// that keeps only recent state). The checkpoint keys on the setting, not on the instant it gives.
    /// </summary>
    public TimeSpan? Since { get; set; }

    /// <summary>
    /// Resume from the checkpoint (the default). False starts over at every start: a model that rebuilds its state from
    /// the lake each time (with <see cref="Since"/>) wants its whole window again, not only what it missed.
    /// </summary>
    public bool Resume { get; set; } = true;

    /// <summary>Capture time the feed ends at; unset follows live frames for ever.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>
    /// The longest time between a frame's lake write and its stream publish, clock skew included. Lake frames written
    /// within this margin before the hand-over are also expected live and delivered only once (docs/reuse.md).
    /// </summary>
    public TimeSpan WriteMargin { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a live frame may stay unacked before the stream delivers it again.</summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Unacked live frames the stream hands out at once, per stage.</summary>
    public int MaxAckPending { get; set; } = 1000;

    /// <summary>How often lake progress is written to the checkpoint; a crash repeats at most this much history.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The selection these options describe at <paramref name="now"/>; call after validation.</summary>
    public FrameSelection Selection(DateTimeOffset now) => new()
    {
        Since = Since,
        Stages = [.. Stages.Select(s => FrameStages.TryParse(s, out var stage) ? stage : throw new FormatException($"{SectionName}:Stages has '{s}'."))],
        Stations = [.. Stations.Select(StationId.Parse)],
        From = From ?? (Since is { } since ? now - since : null),
        To = To,
    };

    public ModelName ModelName() => Contracts.ModelName.Parse(Model);
}

/// <summary>Refuses a feed that cannot work, naming the setting.</summary>
public sealed class FeedOptionsValidator : IValidateOptions<FeedOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedOptions options)
    {
        var failures = new List<string>();
        if (!Contracts.ModelName.TryParse(options.Model, out _))
        {
            failures.Add($"{FeedOptions.SectionName}:Model is '{options.Model}'; it must be 2 to 32 lower-case letters, digits and dashes, starting with a letter (AddModel sets it).");
        }

        if (options.Stages.Count == 0)
        {
            failures.Add($"{FeedOptions.SectionName}:Stages is empty; list raw, processed or rejected (ConsumesFrames sets it).");
        }

        foreach (var stage in options.Stages.Where(s => !FrameStages.TryParse(s, out _)))
        {
            failures.Add($"{FeedOptions.SectionName}:Stages has '{stage}'; use raw, processed or rejected.");
        }

        foreach (var station in options.Stations.Where(s => !StationId.TryParse(s, out _)))
        {
            failures.Add($"{FeedOptions.SectionName}:Stations has '{station}'; use two digits, 01 to 99.");
        }

        if (options.From is { } from && options.To is { } to && to <= from)
        {
            failures.Add($"{FeedOptions.SectionName}:To ({to:O}) is not after {FeedOptions.SectionName}:From ({from:O}).");
        }

        if (options.Since is { } since && (since <= TimeSpan.Zero || options.From is not null))
        {
            failures.Add($"{FeedOptions.SectionName}:Since is {since}; it must be positive, and not set together with {FeedOptions.SectionName}:From.");
        }

        if (options.WriteMargin < TimeSpan.Zero || options.WriteMargin > TimeSpan.FromHours(1))
        {
            failures.Add($"{FeedOptions.SectionName}:WriteMargin is {options.WriteMargin}; it must be 0 to 1 hour.");
        }

        if (options.AckWait < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{FeedOptions.SectionName}:AckWait is {options.AckWait}; it must be at least 1 second.");
        }

        if (options.MaxAckPending < 1)
        {
            failures.Add($"{FeedOptions.SectionName}:MaxAckPending is {options.MaxAckPending}; it must be at least 1.");
        }

        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            failures.Add($"{FeedOptions.SectionName}:CheckpointInterval is {options.CheckpointInterval}; it must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
