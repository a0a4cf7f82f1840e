using Microsoft.Extensions.Options;

namespace MobileX.Coverage;

/// <summary>The coverage model's settings, section <c>Coverage</c>.</summary>
public sealed class CoverageOptions
{
    public const string SectionName = "Coverage";

    /// <summary>How far back the timeline reaches; also how far back the lake is read at start (<c>Feeds:Since</c>).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The timeline's slot: a slot with a bust is <c>seen</c>, one with only rejected frames <c>empty</c>, one with no
    /// frame <c>blind</c>. A station at 2 frames/s fills a 10 s slot with about 20 frames.
    /// </summary>
    public TimeSpan Resolution { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the snapshot is published on <c>mobilex.models.coverage.timeline</c>.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Stations 01..N are on the timeline even before their first frame (blind until then).</summary>
    public int StationCount { get; set; } = 10;
}

public sealed class CoverageOptionsValidator : IValidateOptions<CoverageOptions>
{
    // One snapshot must fit a NATS message (1 MB by default) with every station alternating slot by slot.
    private const int MaxSlots = 720;

    public ValidateOptionsResult Validate(string? name, CoverageOptions options)
    {
        var failures = new List<string>();
        if (options.Resolution < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{CoverageOptions.SectionName}:Resolution is {options.Resolution}; it must be at least 1 second.");
        }
        else if (options.Window < options.Resolution || options.Window.Ticks / options.Resolution.Ticks > MaxSlots)
        {
            failures.Add($"{CoverageOptions.SectionName}:Window is {options.Window}; it must hold 1 to {MaxSlots} slots of {CoverageOptions.SectionName}:Resolution ({options.Resolution}).");
        }

        if (options.PublishInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{CoverageOptions.SectionName}:PublishInterval is {options.PublishInterval}; it must be at least 100 ms.");
        }

        if (options.StationCount is < 1 or > 99)
        {
            failures.Add($"{CoverageOptions.SectionName}:StationCount is {options.StationCount}; it must be 1 to 99.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
