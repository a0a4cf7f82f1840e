using MobileX.Contracts;

namespace MobileX.Hosting.Nats;

/// <summary>
/// The NATS users of the MobileX services, each allowed exactly what its code does with NATS.Net and nothing more.
/// Every JetStream API subject names its stream or consumer; each user reads only its own inbox (<see cref="NatsInbox"/>).
/// Stream owners (docs/contracts.md#streams): the preprocessor creates <c>FRAMES</c>, the API creates <c>EVENTS</c>;
/// every other identity only looks a stream up, so none can change the other's subjects or limits.
/// </summary>
public static class ServicePermissions
{
    public const string CaptureUser = "capture";
    public const string PreprocessorUser = "preprocessor";
    public const string ApiUser = "api";

    /// <summary>The stream behind the API's KV key ring.</summary>
    private const string ApiKeyRingStream = $"KV_{KeyValueBuckets.ApiKeyRing}";

    /// <summary>
    /// The capture process's own connection (<c>ConnectionStrings__nats</c>). Stations with a user of their own publish
    /// through it and the process needs its connection only to report NATS health, so it may do nothing; for the
    /// stations in <paramref name="publishesFor"/> (those without a user, <c>MobileX:Stations:Users=false</c>) it
    /// publishes what they would: raw frames and health.
    /// </summary>
    public static NatsUser Capture(IEnumerable<StationId> publishesFor)
    {
        ArgumentNullException.ThrowIfNull(publishesFor);
        var publish = publishesFor.Distinct().Order().SelectMany(Subjects.StationPublishSubjects).ToList();
        var permissions = publish.Count == 0 ? NatsPermissions.None : new NatsPermissions(publish, [NatsInbox.Subscription(CaptureUser)]);
        return User(CaptureUser, permissions);
    }

    /// <summary>
    /// The preprocessor: owns <c>FRAMES</c> (create, update, look up), keeps its durable <paramref name="consumer"/>
    /// (create, info, fetch, ack), publishes outcomes on every station's processed and rejected subjects and its dead
    /// letters, and looks <c>EVENTS</c> up. It reads raw frames through the consumer only, never by a subscription.
    /// </summary>
    public static NatsUser Preprocessor(string consumer)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        const string frames = Streams.Frames;
        return User(PreprocessorUser, new NatsPermissions(
            [
                Subjects.AllFramesProcessed,
                Subjects.AllFramesRejected,
                Subjects.DeadLetterPreprocessor,
                $"$JS.API.STREAM.CREATE.{frames}",
                $"$JS.API.STREAM.UPDATE.{frames}",
                $"$JS.API.STREAM.INFO.{frames}",
                $"$JS.API.STREAM.INFO.{Streams.Events}",
                $"$JS.API.CONSUMER.INFO.{frames}.{consumer}",
                // 2.9+ servers take the consumer (and its filter) in the subject; the plain and durable forms stay for other clients.
                $"$JS.API.CONSUMER.CREATE.{frames}.{consumer}",
                $"$JS.API.CONSUMER.CREATE.{frames}.{consumer}.>",
                $"$JS.API.CONSUMER.DURABLE.CREATE.{frames}.{consumer}",
                $"$JS.API.CONSUMER.MSG.NEXT.{frames}.{consumer}",
                $"$JS.ACK.{frames}.{consumer}.>",
            ],
            [NatsInbox.Subscription(PreprocessorUser)]));
    }

    /// <summary>
    /// The API: owns <c>EVENTS</c> and publishes avatar events there; reads <c>FRAMES</c>' per-subject counts and last
    /// messages at start-up; subscribes to every station's frame events and health and to the coverage model's timeline.
    /// </summary>
    public static NatsUser Api() => User(ApiUser, new NatsPermissions(
        [
            Subjects.AvatarsCreated,
            $"$JS.API.STREAM.CREATE.{Streams.Events}",
            $"$JS.API.STREAM.UPDATE.{Streams.Events}",
            $"$JS.API.STREAM.INFO.{Streams.Events}",
            $"$JS.API.STREAM.INFO.{Streams.Frames}",
            $"$JS.API.STREAM.MSG.GET.{Streams.Frames}",
            // The sign-in key ring (KV api-keyring, docs/serving.md): create or update its stream, read, write, list and
            // watch its keys. GetKeys and Watch are ordered consumers on its stream, answered on the API's inbox.
            $"$JS.API.STREAM.CREATE.{ApiKeyRingStream}",
            $"$JS.API.STREAM.UPDATE.{ApiKeyRingStream}",
            $"$JS.API.STREAM.INFO.{ApiKeyRingStream}",
            $"$JS.API.STREAM.MSG.GET.{ApiKeyRingStream}",
            $"$JS.API.DIRECT.GET.{ApiKeyRingStream}",
            $"$JS.API.DIRECT.GET.{ApiKeyRingStream}.>",
            $"$JS.API.CONSUMER.CREATE.{ApiKeyRingStream}",
            $"$JS.API.CONSUMER.CREATE.{ApiKeyRingStream}.>",
            $"$JS.API.CONSUMER.INFO.{ApiKeyRingStream}.>",
            $"$JS.API.CONSUMER.DELETE.{ApiKeyRingStream}.>",
            $"$JS.API.CONSUMER.MSG.NEXT.{ApiKeyRingStream}.>",
            $"$JS.FC.{ApiKeyRingStream}.>",
            $"$KV.{KeyValueBuckets.ApiKeyRing}.>",
        ],
        [
            NatsInbox.Subscription(ApiUser),
            Subjects.AllFrames,
            Subjects.AllStationHealth,
            Subjects.CoverageTimeline,
        ]));

    private static NatsUser User(string name, NatsPermissions permissions) =>
        new(name, NatsAuthorizationConfig.PasswordVariable(name), permissions);
}
