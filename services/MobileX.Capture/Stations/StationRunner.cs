using MobileX.Capture;
using MobileX.Capture.Telemetry;
using System.Diagnostics;
using System.Threading.Channels;
using Amazon.S3;
using MobileX.Capture.Sources;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Resilience;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Polly;

namespace MobileX.Capture.Stations;

/// <summary>
/// One station: a capture loop that never blocks, a bounded queue that drops its oldest frame when full, and a
/// delivery loop that, in capture order, stores each frame and only then publishes its event and waits for the ack,
/// retrying both through the <see cref="RetryPipeline"/> until they succeed.
/// </summary>
internal sealed class StationRunner
{
    private const string JpegContentType = "image/jpeg";

    private static readonly INatsSerialize<FrameCaptured> Serializer = ContractSerializers.For<FrameCaptured>();
    private static readonly ResiliencePropertyKey<Delivery> DeliveryKey = new("mobilex.capture.delivery");

    private readonly StationId _station;
    private readonly IFrameSource _source;
    private readonly INatsJSContext _js;
    private readonly IAmazonS3 _s3;
    private readonly CaptureOptions _options;
    private readonly CaptureMetrics _metrics;
    private readonly StationStats _stats;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<CapturedFrame> _queue;
    private readonly string _bucket;
    private readonly string _subject;
    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan? _attemptTimeout;

    public StationRunner(StationId station, IFrameSource source, INatsJSContext js, IAmazonS3 s3, CaptureOptions options,
        RetryOptions retry, CaptureMetrics metrics, StationStats stats, ILogger logger, TimeProvider time)
    {
        (_station, _source, _js, _s3, _options, _metrics, _stats, _logger, _time) = (station, source, js, s3, options, metrics, stats, logger, time);
        // Built once per station; each call passes its operation and frame to OnRetry on its context.
        _retry = RetryPipeline.Create(retry, OnRetry, static ex => ex is not ObjectDisposedException, time);
        _attemptTimeout = retry.AttemptTimeout;
        _bucket = Buckets.Station(station);
        _subject = Subjects.FramesRaw(station);
        _queue = Channel.CreateBounded<CapturedFrame>(
            new BoundedChannelOptions(options.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = true,
            },
            OnDropped);
    }

    /// <summary>Captures until <paramref name="stoppingToken"/> fires or <c>MaxFrames</c> is reached, then drains the queue.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // Delivery outlives capture by up to DrainTimeout after shutdown, so frames already captured still reach the lake.
        using var drain = new CancellationTokenSource();
        var delivery = Task.Run(() => DeliverAsync(drain.Token), CancellationToken.None);
        await using var onStop = stoppingToken.Register(() => drain.CancelAfter(_options.DrainTimeout));
        try
        {
            await CaptureAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _queue.Writer.TryComplete();
            await delivery.ConfigureAwait(false);
        }
    }

    private async Task CaptureAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(1 / _options.FramesPerSecond);
        using var timer = new PeriodicTimer(period, _time);
        long sequence = 0;
        try
        {
            do
            {
                var encoded = _source.Next();
                var capturedAt = _time.GetUtcNow();
                var frameId = FrameId.New(capturedAt);
                var key = ObjectKeys.Frame(capturedAt, frameId);
                var message = new FrameCaptured(frameId, _station, ++sequence, capturedAt, _bucket, key, JpegContentType,
                    encoded.Width, encoded.Height, encoded.Jpeg.Length, encoded.Sha256);

                // Each frame is the root of its own trace; the preprocessor and the API continue it from the NATS headers.
                Activity.Current = null;
                var activity = CaptureMetrics.ActivitySource.StartActivity("capture frame", ActivityKind.Producer);
                if (activity is not null)
                {
                    activity.SetTag("mobilex.station", _station.ToString());
                    activity.SetTag("mobilex.frame_id", frameId.ToString());
                    activity.SetTag("mobilex.sequence", sequence);
                    activity.SetTag("aws.s3.bucket", _bucket);
                    activity.SetTag("aws.s3.key", key);
                    Activity.Current = null;
                }

                _stats.OnCaptured();
                _metrics.Captured(_station);
                _queue.Writer.TryWrite(new CapturedFrame(message, encoded, _time.GetTimestamp(), activity));
            }
            while ((_options.MaxFrames == 0 || sequence < _options.MaxFrames) && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: what is queued is drained by the delivery loop.
        }
    }

    private async Task DeliverAsync(CancellationToken drainToken)
    {
        try
        {
            await foreach (var frame in _queue.Reader.ReadAllAsync(drainToken).ConfigureAwait(false))
            {
                await DeliverAsync(frame, drainToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (drainToken.IsCancellationRequested)
        {
            var remaining = 0;
            while (_queue.Reader.TryRead(out var frame))
            {
                remaining++;
                OnDropped(frame);
            }

            CaptureLog.DrainAbandoned(_logger, _station, remaining, _options.DrainTimeout);
        }
    }

    private async Task DeliverAsync(CapturedFrame frame, CancellationToken cancellationToken)
    {
        var previous = Activity.Current;
        Activity.Current = frame.Activity;
        try
        {
            var started = _time.GetTimestamp();
            await RetryAsync("store", frame, StoreAsync, cancellationToken).ConfigureAwait(false);
            _stats.OnStored();
            _metrics.Stored(_station, _time.GetElapsedTime(started));

            started = _time.GetTimestamp();
            await RetryAsync("publish", frame, PublishAsync, cancellationToken).ConfigureAwait(false);
            _stats.OnPublished(_time.GetUtcNow());
            _metrics.Published(_station, _time.GetElapsedTime(started), _time.GetElapsedTime(frame.CapturedTimestamp));
            frame.Activity?.SetStatus(ActivityStatusCode.Ok);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Counted as dropped: its event was never acknowledged. If it was stored, the object stays (nothing stored
            // is deleted) and a consumer that lists the bucket still finds it.
            OnDropped(frame);
            throw;
        }
        finally
        {
            frame.Activity?.Dispose();
            Activity.Current = previous;
        }
    }

    private async Task StoreAsync(CapturedFrame frame, CancellationToken cancellationToken)
    {
        var message = frame.Event;
        List<KeyValuePair<string, string>> metadata =
        [
            new(FrameMetadata.Station, _station.ToString()),
            new(FrameMetadata.FrameId, message.FrameId.ToString()),
            new(FrameMetadata.CapturedAt, message.CapturedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            new(FrameMetadata.Sha256, message.Sha256),
        ];
        try
        {
            await _s3.PutObjectAsync(_bucket, message.Key, frame.Frame.Jpeg, message.ContentType, metadata, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchBucket")
        {
            // The bucket is created only when a PUT says it is missing: checking first (HEAD) costs a request per
            // frame, and a HEAD that lists the bucket, as s3rver's does, fails on any damaged object in it.
            await _s3.EnsureBucketAsync(_bucket, cancellationToken).ConfigureAwait(false);
            await _s3.PutObjectAsync(_bucket, message.Key, frame.Frame.Jpeg, message.ContentType, metadata, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync(CapturedFrame frame, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders();
        if (frame.Activity is { } activity)
        {
            // Set here as well as by NATS.Net's own instrumentation, so the trace travels even when no tracer listens to NATS.Net.
            headers["traceparent"] = activity.Id;
            if (activity.TraceStateString is { Length: > 0 } state)
            {
                headers["tracestate"] = state;
            }
        }

        var ack = await _js.PublishAsync(_subject, frame.Event, Serializer,
            new NatsJSPubOpts { MsgId = frame.Event.FrameId.ToString() }, headers, cancellationToken).ConfigureAwait(false);
        ack.EnsureStored();
    }

    /// <summary>Runs <paramref name="action"/> through the station's retry pipeline until it succeeds or delivery is cancelled.</summary>
    private Task RetryAsync(string operation, CapturedFrame frame, Func<CapturedFrame, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(DeliveryKey, new Delivery(operation, frame), ct => action(frame, ct), cancellationToken);

    private void OnRetry(RetryAttempt retry)
    {
        var (operation, frame) = retry.Context.Properties.GetValue(DeliveryKey, default);
        var ex = retry.Exception;
        // An attempt cut off by AttemptTimeout would only say that it was cancelled; say what happened instead.
        var reason = (retry.TimedOut || ex is OperationCanceledException) && _attemptTimeout is { } timeout
            ? $"no answer within {timeout.TotalSeconds:0.#} s"
            : ex.Message;
        _stats.OnDeliveryFailed(operation, reason, _time.GetUtcNow());
        _metrics.Retried(_station, operation);
        frame.Activity?.AddEvent(new ActivityEvent($"{operation} retry", tags: new ActivityTagsCollection { ["exception.message"] = ex.Message, ["attempt"] = retry.Attempt }));
        CaptureLog.Retrying(_logger, _station, operation, frame.Event.FrameId, retry.Attempt, retry.Delay, ex);
    }

    /// <summary>What a retried call was doing: <c>store</c> or <c>publish</c>, and for which frame.</summary>
    private readonly record struct Delivery(string Operation, CapturedFrame Frame);

    private void OnDropped(CapturedFrame frame)
    {
        _stats.OnDropped();
        _metrics.Dropped(_station);
        var dropped = _stats.Dropped;
        if (dropped == 1 || dropped % 100 == 0)
        {
            CaptureLog.FrameDropped(_logger, _station, frame.Event.FrameId, frame.Event.Sequence, dropped);
        }

        if (frame.Activity is { } activity)
        {
            activity.SetTag("mobilex.dropped", true);
            activity.SetStatus(ActivityStatusCode.Error, "dropped from a full queue");
            activity.Dispose();
        }
    }
}
