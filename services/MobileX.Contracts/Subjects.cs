namespace MobileX.Contracts;

/// <summary>
/// NATS subjects. The subject classifies the data (which station, which stage); the message names the bucket and key
/// where the bytes are. A service subscribes to exactly what it needs, e.g. <c>mobilex.stations.03.frames.processed</c>.
/// </summary>
public static class Subjects
{
    public const string Prefix = "mobilex";

    /// <summary><c>mobilex.stations.NN.frames.raw</c>: a raw frame was stored in <c>station-NN</c>.</summary>
    public static string FramesRaw(StationId station) => $"{Prefix}.stations.{station}.frames.raw";

    /// <summary><c>mobilex.stations.NN.frames.processed</c>: a bust crop was stored in <c>processed</c>.</summary>
    public static string FramesProcessed(StationId station) => $"{Prefix}.stations.{station}.frames.processed";

    /// <summary><c>mobilex.stations.NN.frames.rejected</c>: a frame was refused by preprocessing, with a reason.</summary>
    public static string FramesRejected(StationId station) => $"{Prefix}.stations.{station}.frames.rejected";

    /// <summary>
    /// <c>mobilex.stations.NN.health</c>: the capture's periodic report of whether the station can store and publish
    /// (<see cref="StationHealth"/>). Core NATS only: no stream keeps it, since only the newest report matters.
    /// </summary>
    public static string StationHealth(StationId station) => $"{Prefix}.stations.{station}.health";

    /// <summary>Every station's health reports.</summary>
    public const string AllStationHealth = Prefix + ".stations.*.health";

    /// <summary>
    /// Every subject a station's NATS user may publish to: its raw frames, and its own health report (what the station
    /// says about itself, which nothing downstream reads as data). Never another stage or another station.
    /// </summary>
    public static IReadOnlyList<string> StationPublishSubjects(StationId station) => [FramesRaw(station), StationHealth(station)];

    /// <summary>Raw frames of every station.</summary>
    public const string AllFramesRaw = Prefix + ".stations.*.frames.raw";

    /// <summary>Processed frames of every station.</summary>
    public const string AllFramesProcessed = Prefix + ".stations.*.frames.processed";

    /// <summary>Rejected frames of every station.</summary>
    public const string AllFramesRejected = Prefix + ".stations.*.frames.rejected";

    /// <summary>Every frame subject; the <c>FRAMES</c> stream captures exactly these.</summary>
    public const string AllFrames = Prefix + ".stations.*.frames.>";

    /// <summary>The subject of one station's frames at one stage.</summary>
    public static string Frames(StationId station, FrameStage stage) => $"{Prefix}.stations.{station}.frames.{stage.Token()}";

    /// <summary>Every station's frames at one stage: <c>mobilex.stations.*.frames.&lt;stage&gt;</c>.</summary>
    public static string AllStations(FrameStage stage) => $"{Prefix}.stations.*.frames.{stage.Token()}";

    /// <summary><c>mobilex.models.&lt;model&gt;</c>: where a model publishes its own events.</summary>
    public static string ModelPrefix(ModelName model) => $"{Prefix}.models.{model}";

    /// <summary><c>mobilex.models.&lt;model&gt;.&gt;</c>: everything a model's NATS user may publish.</summary>
    public static string ModelPublishScope(ModelName model) => $"{ModelPrefix(model)}.>";

    /// <summary><c>mobilex.models.coverage.stations.NN.changed</c>: a station's coverage state changed (<see cref="CoverageChanged"/>).</summary>
    public static string CoverageChanged(StationId station) => $"{Prefix}.models.{ModelName.Coverage}.stations.{station}.changed";

    /// <summary>Every station's coverage changes.</summary>
    public static readonly string AllCoverageChanged = $"{Prefix}.models.{ModelName.Coverage}.stations.*.changed";

    /// <summary><c>mobilex.models.coverage.timeline</c>: the coverage model's periodic snapshot (<see cref="CoverageTimeline"/>).</summary>
    public static readonly string CoverageTimeline = $"{Prefix}.models.{ModelName.Coverage}.timeline";

    /// <summary>An avatar was generated and stored in <c>avatars</c>.</summary>
    public const string AvatarsCreated = Prefix + ".avatars.created";

    /// <summary>Messages the preprocessor gave up on after its maximum deliveries, with the last error.</summary>
    public const string DeadLetterPreprocessor = Prefix + ".deadletter.preprocessor";

    /// <summary>
    /// <c>mobilex.deadletter.model-&lt;model&gt;</c>: frame events a model's feed could not read. Kept by the EVENTS stream
    /// like the preprocessor's, and the one subject outside its prefix a model may publish to.
    /// </summary>
    public static string DeadLetterModel(ModelName model) => $"{Prefix}.deadletter.{model.NatsUser}";

    /// <summary>Reads the station out of a <c>mobilex.stations.NN.…</c> subject.</summary>
    public static bool TryGetStation(string subject, out StationId station)
    {
        station = default;
        const string head = Prefix + ".stations.";
        return subject.StartsWith(head, StringComparison.Ordinal)
            && subject.Length >= head.Length + 3
            && subject[head.Length + 2] == '.'
            && StationId.TryParse(subject.Substring(head.Length, 2), out station);
    }
}

/// <summary>A frame's stage in the pipeline; the last token of its subject.</summary>
public enum FrameStage
{
    /// <summary>As captured, in <c>station-NN</c>.</summary>
    Raw,

    /// <summary>A bust crop with lineage, in <c>processed</c>.</summary>
    Processed,

    /// <summary>Refused by preprocessing, with a label in <c>processed</c>.</summary>
    Rejected,
}

public static class FrameStages
{
    /// <summary>The subject token: <c>raw</c>, <c>processed</c> or <c>rejected</c>.</summary>
    public static string Token(this FrameStage stage) => stage switch
    {
        FrameStage.Raw => "raw",
        FrameStage.Processed => "processed",
        FrameStage.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Not a frame stage."),
    };

    /// <summary>Reads <c>raw</c>, <c>processed</c> or <c>rejected</c> (any case).</summary>
    public static bool TryParse(string? text, out FrameStage stage)
    {
        stage = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "raw": stage = FrameStage.Raw; return true;
            case "processed": stage = FrameStage.Processed; return true;
            case "rejected": stage = FrameStage.Rejected; return true;
            default: return false;
        }
    }

    /// <summary>Reads the stage out of a <c>mobilex.stations.NN.frames.&lt;stage&gt;</c> subject.</summary>
    public static bool TryParseSubject(string subject, out FrameStage stage)
    {
        stage = default;
        var dot = subject.LastIndexOf('.');
        return dot > 0 && subject.AsSpan(0, dot).EndsWith(".frames", StringComparison.Ordinal) && TryParse(subject[(dot + 1)..], out stage);
    }
}

/// <summary>JetStream streams.</summary>
public static class Streams
{
    /// <summary>All frame events (<see cref="Subjects.AllFrames"/>), file storage, 2-minute duplicate window.</summary>
    public const string Frames = "FRAMES";

    /// <summary>Avatar events and dead letters, kept so nothing given up on is lost.</summary>
    public const string Events = "EVENTS";

    /// <summary>Window in which a second publish with the same <c>Nats-Msg-Id</c> is dropped as a duplicate.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(2);
}
