using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Feeds.Checkpoints;
using MobileX.Feeds.Lake;
using MobileX.Feeds.Live;
using MobileX.Feeds.Telemetry;
using MobileX.Messaging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace MobileX.Feeds;

/// <summary>
/// One async stream of frames for a model: the history from the lake, then the stream live, with no gap and no
/// duplicate at the hand-over, resumed from a durable checkpoint after a restart. See docs/reuse.md.
/// </summary>
/// <remarks>
/// The hand-over is an instant H, fixed when the feed first starts and kept in the checkpoint. The model's consumers
/// start at stream time H, so they deliver every frame announced at or after H. Every writer stores an object before
/// announcing it (a claim check), so a frame announced before H was stored before H: the lake delivers every listed
/// object written before H, and nothing written later. Objects written within <see cref="FeedOptions.WriteMargin"/>
/// before H may have been announced on either side of it; they are delivered from the lake and remembered, and the
/// stream's copy is skipped. Both sets are fixed by H, so a restart computes the same split.
/// </remarks>
public sealed class FrameFeed
{
    private readonly INatsJSContext _js;
    private readonly LakeCatalog _catalog;
    private readonly LakeReader _reader;
    private readonly FeedOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FrameFeed> _logger;
    private long _lakeFrames;
    private long _liveFrames;
    private long _skipped;
    private long _deadLettered;

    public FrameFeed(INatsJSContext js, LakeCatalog catalog, LakeReader reader, IOptions<FeedOptions> options, TimeProvider time, ILogger<FrameFeed> logger)
    {
        _js = js;
        _catalog = catalog;
        _reader = reader;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Model = _options.ModelName();
        Selection = _options.Selection(time.GetUtcNow());
        Selection.Validate();
    }

    public ModelName Model { get; }

    public FrameSelection Selection { get; }

    /// <summary>Frames delivered from the lake, from the stream, stream copies skipped at the hand-over, and dead letters.</summary>
    public (long Lake, long Live, long SkippedAtHandover, long DeadLettered) Counts =>
        (Interlocked.Read(ref _lakeFrames), Interlocked.Read(ref _liveFrames), Interlocked.Read(ref _skipped), Interlocked.Read(ref _deadLettered));

    /// <summary>Reads the selection: the lake's history in frame-id order, then live frames as the stream delivers them.</summary>
    public async IAsyncEnumerable<FeedFrame> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var store = new CheckpointStore(_js, Model);
        var fingerprint = Selection.Fingerprint();
        var checkpoint = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var fresh = !_options.Resume || checkpoint is null || checkpoint.Fingerprint != fingerprint || checkpoint.Version != FeedCheckpoint.SchemaVersion;
        if (fresh)
        {
            var why = !_options.Resume ? "Feeds:Resume is off" : checkpoint is null ? "no checkpoint" : "the selection changed";
            checkpoint = new FeedCheckpoint(fingerprint, _time.GetUtcNow(), false, [], []);
            FeedsLog.Starting(_logger, Model.ToString(), why, checkpoint.HandoverAt);
            await store.SaveAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            FeedsLog.Resuming(_logger, Model.ToString(), checkpoint!.BackfillDone ? "done" : "in progress", checkpoint.HandoverAt, checkpoint.Cursors.Count);
        }

        var live = new LiveConsumers(_js, Model, Selection, _options);
        var consumers = await live.EnsureAsync(checkpoint.HandoverAt, fresh, cancellationToken).ConfigureAwait(false);
        var progress = new Progress(store, checkpoint, _options, _time, _logger, Model);
        var handoverAt = checkpoint.HandoverAt;
        // A range that ended well before the hand-over has nothing live: the lake alone answers it, late writes included.
        var historyOnly = Selection.To is { } end && end + _options.WriteMargin <= handoverAt;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pumps = new List<Task>();
        try
        {
            if (!checkpoint.BackfillDone)
            {
                var overlap = new HashSet<string>();
                long read = 0;
                await foreach (var entry in HistoryAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!historyOnly && entry.LastModified >= handoverAt)
                    {
                        continue; // Written after the hand-over, so announced after it: the stream delivers it.
                    }

                    if (!historyOnly && entry.LastModified >= handoverAt - _options.WriteMargin)
                    {
                        overlap.Add(OverlapKey(entry.Stage, entry.FrameId));
                    }

                    var key = CursorTracker.KeyOf(entry.Station, entry.Stage);
                    if (progress.Cursors.IsDone(key, entry.FrameId))
                    {
                        continue; // Delivered and acked before a restart.
                    }

                    progress.Cursors.Delivered(key, entry.FrameId);
                    read++;
                    Interlocked.Increment(ref _lakeFrames);
                    yield return LakeFrame(entry, key, progress);
                    await progress.MaybeSaveAsync(cancellationToken).ConfigureAwait(false);
                }

                progress.BackfillRead(overlap);
                await progress.SaveAsync(cancellationToken).ConfigureAwait(false);
                FeedsLog.BackfillRead(_logger, Model.ToString(), read, overlap.Count, handoverAt);
            }

            if (historyOnly)
            {
                yield break;
            }

            if (Selection.To is { } until)
            {
                var left = until + _options.WriteMargin - _time.GetUtcNow();
                stop.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }

            var channel = Channel.CreateBounded<(FrameStage Stage, INatsJSMsg<byte[]> Msg)>(new BoundedChannelOptions(64) { SingleReader = true });
            foreach (var (stage, consumer) in consumers)
            {
                pumps.Add(PumpAsync(stage, consumer, channel.Writer, stop.Token));
            }

            while (await WaitToReadAsync(channel.Reader, stop.Token).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    await progress.MaybeSaveAsync(cancellationToken).ConfigureAwait(false);
                    if (await AcceptAsync(item.Stage, item.Msg, progress, cancellationToken).ConfigureAwait(false) is { } frame)
                    {
                        Interlocked.Increment(ref _liveFrames);
                        yield return frame;
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pumps).ConfigureAwait(false);
            // Keep what was acked, even on shutdown: a graceful restart repeats nothing.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await progress.SaveAsync(timeout.Token, quiet: true).ConfigureAwait(false);
        }
    }

    /// <summary>Every selected station and stage, merged in frame-id order (so in capture-time order).</summary>
    private async IAsyncEnumerable<LakeEntry> HistoryAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sources = new List<IAsyncEnumerator<LakeEntry>>();
        var stations = Selection.Stations.Count > 0 ? Selection.Stations : await _catalog.StationsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var stage in Selection.Stages.Distinct())
        {
            sources.AddRange(stations.Distinct().Select(station =>
                _catalog.ListAsync(station, stage, Selection.From, Selection.To, cancellationToken).GetAsyncEnumerator(cancellationToken)));
        }

        var heads = new PriorityQueue<IAsyncEnumerator<LakeEntry>, FrameId>();
        try
        {
            foreach (var source in sources)
            {
                if (await source.MoveNextAsync().ConfigureAwait(false))
                {
                    heads.Enqueue(source, source.Current.FrameId);
                }
            }

            while (heads.TryDequeue(out var source, out _))
            {
                yield return source.Current;
                if (await source.MoveNextAsync().ConfigureAwait(false))
                {
                    heads.Enqueue(source, source.Current.FrameId);
                }
            }
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private FeedFrame LakeFrame(LakeEntry entry, string key, Progress progress) => new(
        entry.FrameId, entry.Station, entry.Stage, entry.CapturedAt, FeedOrigin.Lake, entry.ImageBucket, entry.ImageKey,
        expectedSha256: null, entry.LineageKey, entry.LabelKey, reason: null, streamSequence: null, default, _reader,
        ack: _ => { progress.Cursors.Acked(key, entry.FrameId); return ValueTask.CompletedTask; },
        // A lake frame has no redelivery of its own: leaving it unacked holds the cursor, so the next start reads it again.
        nak: (_, _) => ValueTask.CompletedTask);

    /// <summary>The live message as a frame; null when it is skipped (outside the selection, or delivered from the lake) or dead-lettered.</summary>
    private async ValueTask<FeedFrame?> AcceptAsync(FrameStage stage, INatsJSMsg<byte[]> msg, Progress progress, CancellationToken cancellationToken)
    {
        var read = LiveEvent.TryRead(stage, msg.Data, out var error);
        if (read is null || !Subjects.TryGetStation(msg.Subject, out var subjectStation) || read.Value.Station != subjectStation)
        {
            var reason = error ?? $"the event's station does not match subject {msg.Subject}";
            await DeadLetterAsync(stage, msg, reason, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var e = read.Value;
        if (!Selection.Contains(e.Station, e.Stage, e.CapturedAt) || progress.IsOverlap(OverlapKey(e.Stage, e.FrameId)))
        {
            if (progress.IsOverlap(OverlapKey(e.Stage, e.FrameId)))
            {
                Interlocked.Increment(ref _skipped);
            }

            await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return null;
        }

        return new FeedFrame(e.FrameId, e.Station, e.Stage, e.CapturedAt, FeedOrigin.Live, e.ImageBucket, e.ImageKey, e.Sha256,
            e.LineageKey, e.LabelKey, e.Reason, msg.Metadata?.Sequence.Stream, msg.Headers?.GetActivityContext() ?? default, _reader,
            ack: ct => msg.AckAsync(cancellationToken: ct),
            nak: (delay, ct) => msg.NakAsync(delay: delay, cancellationToken: ct));
    }

    /// <summary>A payload no retry can read goes to the model's dead-letter subject, then is terminated, never looped.</summary>
    private async Task DeadLetterAsync(FrameStage stage, INatsJSMsg<byte[]> msg, string reason, CancellationToken cancellationToken)
    {
        var consumer = LiveConsumers.NameFor(Model, stage);
        var sequence = msg.Metadata?.Sequence.Stream ?? 0;
        var letter = new DeadLetter(consumer, msg.Subject,
            msg.Headers is { } headers && headers.TryGetValue(MessageHeaders.MsgId, out var id) ? id.ToString() : null,
            sequence, (int)Math.Min(msg.Metadata?.NumDelivered ?? 1, int.MaxValue), reason,
            msg.Data is { } data ? Encoding.UTF8.GetString(data) : string.Empty, _time.GetUtcNow());
        try
        {
            var ack = await _js.PublishAsync(Subjects.DeadLetterModel(Model), letter, ContractSerializers.For<DeadLetter>(),
                new NatsJSPubOpts { MsgId = MessageIds.DeadLetter(consumer, sequence) }, cancellationToken: cancellationToken).ConfigureAwait(false);
            ack.EnsureStored();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not kept anywhere yet: ask for it again rather than lose it.
            await msg.NakAsync(delay: TimeSpan.FromSeconds(5), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _deadLettered);
        FeedsLog.DeadLettered(_logger, Model.ToString(), sequence, msg.Subject, reason);
        await msg.AckTerminateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pulls one consumer into the channel; a failure (the server restarting) is retried with backoff.</summary>
    private async Task PumpAsync(FrameStage stage, INatsJSConsumer consumer, ChannelWriter<(FrameStage, INatsJSMsg<byte[]>)> writer, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        // Few messages in hand, so none waits out its AckWait in a buffer while the model is busy.
        var opts = new NatsJSConsumeOpts { MaxMsgs = 64 };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, opts, cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteAsync((stage, msg), cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromSeconds(1);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                FeedsLog.ConsumeFailed(_logger, ex, Model.ToString(), LiveConsumers.NameFor(Model, stage), delay);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private static async ValueTask<bool> WaitToReadAsync<T>(ChannelReader<T> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string OverlapKey(FrameStage stage, FrameId id) => $"{stage.Token()}:{id}";

    /// <summary>The checkpoint as it moves: lake cursors, the overlap set, and whether the backfill is done.</summary>
    private sealed class Progress(CheckpointStore store, FeedCheckpoint checkpoint, FeedOptions options, TimeProvider time, ILogger logger, ModelName model)
    {
        private readonly HashSet<string> _overlap = [.. checkpoint.Overlap];
        private FeedCheckpoint _saved = checkpoint;
        private bool _backfillRead = checkpoint.BackfillDone;
        private long _lastSave = time.GetTimestamp();

        public CursorTracker Cursors { get; } = new(checkpoint.Cursors);

        public bool IsOverlap(string key) => _overlap.Contains(key);

        public void BackfillRead(HashSet<string> overlap)
        {
            _overlap.Clear();
            _overlap.UnionWith(overlap);
            _backfillRead = true;
        }

        public Task MaybeSaveAsync(CancellationToken cancellationToken) =>
            time.GetElapsedTime(_lastSave) >= options.CheckpointInterval ? SaveAsync(cancellationToken) : Task.CompletedTask;

        public async Task SaveAsync(CancellationToken cancellationToken, bool quiet = false)
        {
            _lastSave = time.GetTimestamp();
            var cursors = Cursors.Snapshot();
            var changed = cursors.Count != _saved.Cursors.Count || cursors.Any(c => !_saved.Cursors.TryGetValue(c.Key, out var v) || v != c.Value);
            var done = _backfillRead && Cursors.Outstanding == 0;
            var next = _saved with { Cursors = cursors, BackfillDone = done, Overlap = _backfillRead ? [.. _overlap] : _saved.Overlap };
            if (!changed && done == _saved.BackfillDone && next.Overlap.Count == _saved.Overlap.Count)
            {
                return;
            }

            try
            {
                await store.SaveAsync(next, cancellationToken).ConfigureAwait(false);
                if (done && !_saved.BackfillDone)
                {
                    FeedsLog.BackfillDone(logger, model.ToString());
                }

                _saved = next;
            }
            catch (Exception ex) when (quiet || ex is not OperationCanceledException)
            {
                FeedsLog.CheckpointFailed(logger, ex, model.ToString());
            }
        }
    }
}
