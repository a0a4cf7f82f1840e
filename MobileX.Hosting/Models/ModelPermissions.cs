using MobileX.Contracts;
using MobileX.Hosting.Minio;
using MobileX.Hosting.Nats;

namespace MobileX.Hosting.Models;

/// <summary>
/// What a model may do on the bus and in the lake, and nothing more: read the frame stages it consumes, keep its
/// own durable consumer and checkpoint, and publish its own events under <c>mobilex.models.&lt;name&gt;.&gt;</c>.
/// </summary>
public static class ModelPermissions
{
    /// <summary>
    /// The model's NATS user <c>model-&lt;name&gt;</c>. Every JetStream API subject is named with the model's stream,
    /// consumers (<see cref="ConsumerNames"/>) or bucket, so it cannot read another model's consumer or checkpoint, nor
    /// create a consumer of another name; replies reach it on its own inbox prefix (<see cref="ModelName.InboxPrefix"/>), which no other user may read.
    /// </summary>
    public static NatsUser NatsUser(ModelName model, IEnumerable<FrameStage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var stream = Streams.Frames;
        var consumed = Stages(stages).ToList();
        var kv = $"KV_{model.CheckpointBucket}";
        var publish = new List<string>
        {
            Subjects.ModelPublishScope(model),
            // Frame events its feed cannot read go to the EVENTS stream, under its own dead-letter subject.
            Subjects.DeadLetterModel(model),
            $"$JS.API.STREAM.INFO.{stream}",
        };
        foreach (var consumer in ConsumerNames(model, consumed))
        {
            publish.AddRange(
            [
                $"$JS.API.CONSUMER.INFO.{stream}.{consumer}",
                // 2.9+ servers take the consumer (and its filter) in the subject; the plain and durable forms stay for other clients.
                $"$JS.API.CONSUMER.CREATE.{stream}.{consumer}",
                $"$JS.API.CONSUMER.CREATE.{stream}.{consumer}.>",
                $"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.{consumer}",
                $"$JS.API.CONSUMER.DELETE.{stream}.{consumer}",
                $"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}",
                $"$JS.ACK.{stream}.{consumer}.>",
            ]);
        }

        publish.AddRange(
        [
            // The checkpoint bucket: NATS.Net's KV context creates or updates its stream, reads keys with direct gets.
            $"$JS.API.STREAM.CREATE.{kv}",
            $"$JS.API.STREAM.UPDATE.{kv}",
            $"$JS.API.STREAM.INFO.{kv}",
            // NATS.Net 3.3.2's KV get asks the stream itself (last_by_subj in the body); other clients name the key in the subject.
            $"$JS.API.DIRECT.GET.{kv}",
            $"$JS.API.DIRECT.GET.{kv}.>",
            $"$JS.API.STREAM.MSG.GET.{kv}",
            $"$KV.{model.CheckpointBucket}.>",
        ]);
        string[] subscribe = [model.InboxPrefix + ".>", .. consumed.Select(Subjects.AllStations)];
        return new NatsUser(model.NatsUser, NatsAuthorizationConfig.PasswordVariable(model.NatsUser), new NatsPermissions(publish, subscribe));
    }

    /// <summary>
    /// The durable consumers a model may keep on <c>FRAMES</c>: <see cref="ModelName.DurableConsumer"/> and one per
    /// stage it consumes (<see cref="ModelName.StageConsumer"/>, what the model kit creates); no other name.
    /// </summary>
    public static IReadOnlyList<string> ConsumerNames(ModelName model, IEnumerable<FrameStage> stages) =>
        [model.DurableConsumer, .. Stages(stages).Select(model.StageConsumer)];

    /// <summary>The model's MinIO user: <c>model-&lt;name&gt;</c>, like its NATS user.</summary>
    public static string S3User(ModelName model) => model.NatsUser;

    /// <summary>The MinIO policy that lets the model read its buckets: <c>model-&lt;name&gt;-read</c>.</summary>
    public static string S3PolicyName(ModelName model) => $"{model.NatsUser}-read";

    /// <summary>
    /// The buckets a model reads for its stages: raw frames in <c>station-*</c>; busts and rejection labels in
    /// <c>processed</c>; a rejected frame's raw picture stays in <c>station-*</c>, so rejected reads both.
    /// </summary>
    public static IReadOnlyList<string> S3Buckets(IEnumerable<FrameStage> stages)
    {
        var buckets = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var stage in Stages(stages))
        {
            if (stage is FrameStage.Raw or FrameStage.Rejected)
            {
                buckets.Add(Minio.S3Identity.AllStationBuckets);
            }

            if (stage is FrameStage.Processed or FrameStage.Rejected)
            {
                buckets.Add(Buckets.Processed);
            }
        }

        return [.. buckets];
    }

    /// <summary>The model's MinIO identity: read-only (list, get) on <see cref="S3Buckets"/>, no write anywhere.</summary>
    public static S3Identity S3Access(ModelName model, IEnumerable<FrameStage> stages) =>
        new(S3User(model), S3PolicyName(model), S3Buckets(stages), []);

    /// <summary>Each stage once, in pipeline order, so the same stages always render the same permissions.</summary>
    internal static IEnumerable<FrameStage> Stages(IEnumerable<FrameStage> stages) => stages.Distinct().Order();
}
