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

    /// <summary>Every subject a station may publish under; the station's NATS user is limited to it.</summary>
    public static string StationPublishScope(StationId station) => $"{Prefix}.stations.{station}.>";

    /// <summary>Raw frames of every station.</summary>
    public const string AllFramesRaw = Prefix + ".stations.*.frames.raw";

    /// <summary>Processed frames of every station.</summary>
    public const string AllFramesProcessed = Prefix + ".stations.*.frames.processed";

    /// <summary>Rejected frames of every station.</summary>
    public const string AllFramesRejected = Prefix + ".stations.*.frames.rejected";

    /// <summary>Every frame subject; the <c>FRAMES</c> stream captures exactly these.</summary>
    public const string AllFrames = Prefix + ".stations.*.frames.>";

    /// <summary>An avatar was generated and stored in <c>avatars</c>.</summary>
    public const string AvatarsCreated = Prefix + ".avatars.created";

    /// <summary>Messages the preprocessor gave up on after its maximum deliveries, with the last error.</summary>
    public const string DeadLetterPreprocessor = Prefix + ".deadletter.preprocessor";

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
