using System.ComponentModel.DataAnnotations;

namespace MobileX.Capture;

/// <summary>
/// Capture settings, bound from <c>Capture</c>. Which stations run comes from <see cref="Station"/> (one station,
/// <c>--station 03</c> on the command line), else <see cref="Stations"/> (a list such as <c>01,02,07</c>), else
/// <see cref="Count"/> (stations 01..Count).
/// </summary>
public sealed class CaptureOptions
{
    public const string SectionName = "Capture";

    /// <summary>Run exactly this station (an edge MobileX Station); set by <c>--station NN</c>.</summary>
    public string? Station { get; set; }

    /// <summary>Comma-separated station ids, e.g. <c>01,02,07</c>.</summary>
    public string? Stations { get; set; }

    /// <summary>Stations 01..Count when neither <see cref="Station"/> nor <see cref="Stations"/> is set.</summary>
    [Range(1, 99, ErrorMessage = "Capture:Count must be 1 to 99.")]
    public int Count { get; set; } = 10;

    /// <summary>Frames per second of each station.</summary>
    [Range(0.01, 1000, ErrorMessage = "Capture:FramesPerSecond must be between 0.01 and 1000.")]
    public double FramesPerSecond { get; set; } = 2;

    [Range(16, 7680, ErrorMessage = "Capture:Width must be 16 to 7680 pixels.")]
    public int Width { get; set; } = 1280;

    [Range(16, 4320, ErrorMessage = "Capture:Height must be 16 to 4320 pixels.")]
    public int Height { get; set; } = 720;

    [Range(1, 100, ErrorMessage = "Capture:JpegQuality must be 1 to 100.")]
    public int JpegQuality { get; set; } = 85;

    /// <summary>
    /// Where frames come from: <c>synthetic</c>, <c>images:&lt;folder&gt;</c>, <c>video:&lt;file&gt;</c> (looping) or
    /// <c>camera:&lt;index&gt;</c>. <see cref="StationSources"/> overrides it per station.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Capture:Source is required (synthetic, images:<folder>, video:<file> or camera:<index>).")]
    public string Source { get; set; } = "synthetic";

    /// <summary>Per-station source, keyed by station id (<c>Capture:StationSources:03=video:/data/door.mp4</c>).</summary>
    public Dictionary<string, string> StationSources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sample portraits of the synthetic source (installed by <c>./mobilex.sh setup</c>).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Capture:SamplesFolder is required for the synthetic source.")]
    public string SamplesFolder { get; set; } = ".data/samples";

    /// <summary>Every Nth synthetic frame holds no person, so downstream rejection paths run too (0 = never).</summary>
    [Range(0, 1000, ErrorMessage = "Capture:EmptyFrameEvery must be 0 to 1000.")]
    public int EmptyFrameEvery { get; set; } = 4;

    /// <summary>
    /// Distinct synthetic frames a station renders before it replays them, like a looped clip: rendering and
    /// encoding happen once per distinct frame instead of once per capture.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "Capture:SyntheticCycleFrames must be 1 to 10000.")]
    public int SyntheticCycleFrames { get; set; } = 48;

    /// <summary>Frames a station keeps while NATS or S3 is down; beyond it the oldest are dropped and counted.</summary>
    [Range(1, 100_000, ErrorMessage = "Capture:QueueCapacity must be 1 to 100000.")]
    public int QueueCapacity { get; set; } = 120;

    /// <summary>Stop each station after this many frames (0 = run until shut down); for tests and benchmarks.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Capture:MaxFrames must be 0 or more.")]
    public long MaxFrames { get; set; }

    // The store and publish retries (AttemptTimeout, RetryDelay, MaxRetryDelay, RetryJitter) are read from this same
    // section as MobileX.Resilience.RetryOptions; see CaptureExtensions.RetryDefaults.

    /// <summary>
    /// A station that has delivered no frame (stored and published) for this long is reported failing: on the
    /// capture's health, which turns Degraded, and in its health reports on the bus.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Capture:FailingAfter must be 1 second to 1 hour.")]
    public TimeSpan FailingAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each station publishes its health on <c>mobilex.stations.NN.health</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Capture:HealthInterval must be 100 ms to 10 minutes.")]
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At shutdown, how long a station keeps draining its queue before the rest is counted as dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Capture:DrainTimeout must be 0 to 10 minutes.")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The source of one station: its override, else <see cref="Source"/>.</summary>
    public string SourceFor(string station) =>
        StationSources.TryGetValue(station, out var source) && !string.IsNullOrWhiteSpace(source) ? source : Source;
}
