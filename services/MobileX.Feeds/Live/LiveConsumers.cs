using System.Text.Json;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Feeds.Live;

/// <summary>
/// The model's durable consumers on <c>FRAMES</c>, one per stage it reads (<c>model-&lt;name&gt;-&lt;stage&gt;</c>):
/// nats-server 2.9 has one filter subject per consumer, and a consumer per stage keeps a model that reads processed
/// frames from pulling every raw frame only to drop it.
/// </summary>
internal sealed class LiveConsumers(INatsJSContext js, ModelName model, FrameSelection selection, FeedOptions options)
{
    /// <summary>The consumer name for one stage: <see cref="ModelName.StageConsumer"/>, the name the model's NATS user is allowed.</summary>
    public static string NameFor(ModelName model, FrameStage stage) => model.StageConsumer(stage);

    /// <summary>One station reads its own subject; several or all read the stage's wildcard and drop the rest.</summary>
    public string FilterFor(FrameStage stage) =>
        selection.Stations.Count == 1 ? Subjects.Frames(selection.Stations[0], stage) : Subjects.AllStations(stage);

    public ConsumerConfig ConfigFor(FrameStage stage, DateTimeOffset handoverAt) => new(NameFor(model, stage))
    {
        DurableName = NameFor(model, stage),
        FilterSubject = FilterFor(stage),
        DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime,
        OptStartTime = handoverAt,
        AckPolicy = ConsumerConfigAckPolicy.Explicit,
        AckWait = options.AckWait,
        MaxAckPending = options.MaxAckPending,
        Description = $"MobileX model {model}: {stage.Token()} frames from {handoverAt:O}",
    };

    /// <summary>
    /// The consumers as the checkpoint expects them: kept when they exist (they hold the live progress), created at
    /// <paramref name="handoverAt"/> when not. With <paramref name="fresh"/> (a new checkpoint) old ones are removed
    /// first, since their start would not match the new hand-over.
    /// </summary>
    public async Task<IReadOnlyList<(FrameStage Stage, INatsJSConsumer Consumer)>> EnsureAsync(DateTimeOffset handoverAt, bool fresh, CancellationToken cancellationToken)
    {
        var consumers = new List<(FrameStage, INatsJSConsumer)>();
        foreach (var stage in selection.Stages.Distinct())
        {
            var name = NameFor(model, stage);
            if (fresh)
            {
                await DeleteIfExistsAsync(name, cancellationToken).ConfigureAwait(false);
            }
            else if (await GetOrNullAsync(name, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                consumers.Add((stage, existing));
                continue;
            }

            consumers.Add((stage, await js.CreateOrUpdateConsumerAsync(Streams.Frames, ConfigFor(stage, handoverAt), cancellationToken).ConfigureAwait(false)));
        }

        return consumers;
    }

    private async Task<INatsJSConsumer?> GetOrNullAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await js.GetConsumerAsync(Streams.Frames, name, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }

    private async Task DeleteIfExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await js.DeleteConsumerAsync(Streams.Frames, name, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            // Nothing to remove.
        }
    }
}

/// <summary>A live message read as a frame, or the reason it cannot be.</summary>
internal readonly record struct LiveEvent(
    FrameId FrameId, StationId Station, FrameStage Stage, DateTimeOffset CapturedAt,
    string ImageBucket, string ImageKey, string? Sha256, string? LineageKey, string? LabelKey, string? Reason)
{
    /// <summary>Reads an event of <paramref name="stage"/>; null with <paramref name="error"/> for a payload no reader should retry.</summary>
    public static LiveEvent? TryRead(FrameStage stage, ReadOnlySpan<byte> payload, out string? error)
    {
        error = null;
        try
        {
            switch (stage)
            {
                case FrameStage.Raw:
                    var raw = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.FrameCaptured);
                    if (raw is null || raw.Version != FrameCaptured.SchemaVersion)
                    {
                        error = raw is null ? "null FrameCaptured" : $"FrameCaptured version {raw.Version} is not {FrameCaptured.SchemaVersion}";
                        return null;
                    }

                    return new LiveEvent(raw.FrameId, raw.StationId, stage, raw.CapturedAt, raw.Bucket, raw.Key, raw.Sha256, null, null, null);
                case FrameStage.Processed:
                    var processed = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.FrameProcessed);
                    if (processed is null || processed.Version != FrameProcessed.SchemaVersion)
                    {
                        error = processed is null ? "null FrameProcessed" : $"FrameProcessed version {processed.Version} is not {FrameProcessed.SchemaVersion}";
                        return null;
                    }

                    return new LiveEvent(processed.FrameId, processed.StationId, stage, processed.CapturedAt, processed.Bucket, processed.Key,
                        processed.Sha256, processed.LineageKey, null, null);
                default:
                    var rejected = JsonSerializer.Deserialize(payload, ContractsJsonContext.Default.FrameRejected);
                    if (rejected is null || rejected.Version != FrameRejected.SchemaVersion)
                    {
                        error = rejected is null ? "null FrameRejected" : $"FrameRejected version {rejected.Version} is not {FrameRejected.SchemaVersion}";
                        return null;
                    }

                    // The raw frame's sha256 is in its object metadata: the rejection event does not repeat it.
                    return new LiveEvent(rejected.FrameId, rejected.StationId, stage, rejected.CapturedAt, rejected.SourceBucket, rejected.SourceKey,
                        null, null, rejected.LabelKey, rejected.Reason);
            }
        }
        catch (JsonException ex)
        {
            error = $"not a {stage.Token()} frame event: {ex.Message}";
            return null;
        }
    }
}
