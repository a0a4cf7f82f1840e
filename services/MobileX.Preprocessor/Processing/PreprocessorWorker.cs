using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Preprocessor.Imaging;
using MobileX.Preprocessor.Telemetry;
using MobileX.Resilience;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Preprocessor.Processing;

/// <summary>
/// Pulls raw-frame events through the durable consumer all replicas share and hands each to <see cref="FrameHandler"/>.
/// A message is acked only after its outputs are stored and its event is acked by JetStream; a transient fault is
/// nak'ed with exponential backoff (<see cref="RetryOptions.DelayFor"/>); after <see cref="PreprocessorOptions.MaxDeliver"/>
/// deliveries, or at once for a payload that is not a FrameCaptured, it goes to <see cref="Subjects.DeadLetterPreprocessor"/>
/// and is terminated.
/// </summary>
public sealed class PreprocessorWorker(
    INatsJSContext js,
    IAmazonS3 s3,
    FrameHandler handler,
    FaceMemory faces,
    PreprocessorTelemetry telemetry,
    IOptions<PreprocessorOptions> options,
    IOptions<StreamOptions> streamOptions,
    IOptionsMonitor<RetryOptions> retryOptions,
    TimeProvider time,
    ILogger<PreprocessorWorker> logger) : BackgroundService
{
    private readonly PreprocessorOptions _options = options.Value;
    private readonly RetryOptions _redelivery = retryOptions.Get(PreprocessorOptions.SectionName);
    private volatile bool _consuming;

    /// <summary>True once the stream, bucket and consumer exist and the loops are pulling.</summary>
    public bool IsConsuming => _consuming;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumer = await PrepareAsync(stoppingToken);
        PreprocessorLog.Consuming(logger, Subjects.AllFramesRaw, Streams.Frames, _options.ConsumerName, _options.ConsumerLoops);
        _consuming = true;
        await Task.WhenAll(Enumerable.Range(0, _options.ConsumerLoops).Select(loop => Task.Run(() => RunLoopAsync(consumer, loop, stoppingToken), stoppingToken)));
    }

    /// <summary>The durable consumer definition: explicit acks, one filter subject (nats-server 2.9 has no multi-filter).</summary>
    public static ConsumerConfig ConsumerConfig(PreprocessorOptions options) => new(options.ConsumerName)
    {
        DurableName = options.ConsumerName,
        FilterSubject = Subjects.AllFramesRaw,
        AckPolicy = ConsumerConfigAckPolicy.Explicit,
        DeliverPolicy = ConsumerConfigDeliverPolicy.All,
        AckWait = options.AckWait,
        MaxDeliver = options.MaxDeliver,
        MaxAckPending = 1000,
        Description = "MobileX preprocessor: raw frames to bust crops",
    };

    private async Task<INatsJSConsumer> PrepareAsync(CancellationToken cancellationToken)
    {
        // NATS or S3 still starting, or EVENTS not yet created by its owner: keep trying; the health checks report it meanwhile.
        var retry = RetryPipeline.Create(retryOptions.Get(PreprocessorOptions.StartupSectionName), OnStartupRetry, timeProvider: time);
        // The preprocessor owns FRAMES; EVENTS, where its dead letters go, is the API's.
        await retry.ExecuteAsync(async ct => await StreamProvisioning.EnsureAsync(js, StreamProvisioning.FramesStream(streamOptions.Value), ct), cancellationToken);
        await StreamProvisioning.WaitForStreamAsync(js, Streams.Events, retry, cancellationToken);
        return await retry.ExecuteAsync(async ct =>
        {
            await s3.EnsureBucketAsync(Buckets.Processed, ct);
            return await js.CreateOrUpdateConsumerAsync(Streams.Frames, ConsumerConfig(_options), ct);
        }, cancellationToken);
    }

    private void OnStartupRetry(RetryAttempt retry)
    {
        if (!StreamProvisioning.LogIfWaiting(logger, retry.Exception, retry.Attempt, retry.Delay))
        {
            PreprocessorLog.StartupRetry(logger, retry.Exception, retry.Delay.TotalMilliseconds);
        }
    }

    private async Task RunLoopAsync(INatsJSConsumer consumer, int loop, CancellationToken cancellationToken)
    {
        using var cropper = new BustCropper(_options.Crop, faces);
        var consumeOpts = new NatsJSConsumeOpts { MaxMsgs = _options.PrefetchPerLoop };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, consumeOpts, cancellationToken))
                {
                    await HandleMessageAsync(msg, cropper, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                PreprocessorLog.LoopFailed(logger, ex, loop, 1000);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    private async Task HandleMessageAsync(INatsJSMsg<byte[]> msg, BustCropper cropper, CancellationToken cancellationToken)
    {
        var metadata = msg.Metadata;
        if (metadata is { } m)
        {
            telemetry.Lag(m.NumPending);
        }

        using var activity = telemetry.Source.StartActivity("preprocess frame", ActivityKind.Consumer, msg.Headers?.GetActivityContext() ?? default);
        activity?.SetTag("messaging.destination.name", msg.Subject);

        FrameCaptured? frame;
        try
        {
            frame = msg.Data is { Length: > 0 } data ? JsonSerializer.Deserialize(data, ContractsJsonContext.Default.FrameCaptured) : null;
        }
        catch (JsonException ex)
        {
            await DeadLetterAsync(msg, $"Payload is not a FrameCaptured: {ex.Message}", cancellationToken);
            return;
        }

        if (frame is null)
        {
            await DeadLetterAsync(msg, "Payload is empty or null.", cancellationToken);
            return;
        }

        activity?.SetTag("mobilex.frame_id", frame.FrameId.ToString());
        activity?.SetTag("mobilex.station_id", frame.StationId.ToString());
        try
        {
            var outcome = await handler.HandleAsync(msg.Subject, frame, cropper, cancellationToken);
            activity?.SetTag("mobilex.outcome", outcome.ToString());
            await msg.AckAsync(cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            var deliveries = metadata?.NumDelivered ?? 1;
            if (deliveries >= (ulong)_options.MaxDeliver)
            {
                await DeadLetterAsync(msg, $"{ex.GetType().Name}: {ex.Message}", cancellationToken);
                return;
            }

            // The same backoff as every MobileX retry, from Preprocessor:RetryDelay and MaxRetryDelay.
            var delay = _redelivery.DelayFor((long)Math.Min(deliveries, long.MaxValue));
            telemetry.Retried();
            PreprocessorLog.Retrying(logger, ex, deliveries, _options.MaxDeliver, metadata?.Sequence.Stream ?? 0, delay.TotalMilliseconds);
            await msg.NakAsync(new AckOpts { NakDelay = delay }, cancellationToken);
        }
    }

    private async Task DeadLetterAsync(INatsJSMsg<byte[]> msg, string lastError, CancellationToken cancellationToken)
    {
        var sequence = msg.Metadata?.Sequence.Stream ?? 0;
        var deliveries = msg.Metadata?.NumDelivered ?? 1;
        var letter = new DeadLetter(_options.ConsumerName, msg.Subject,
            msg.Headers is { } headers && headers.TryGetValue(MessageHeaders.MsgId, out var id) ? id.ToString() : null,
            sequence, (int)Math.Min(deliveries, int.MaxValue), lastError,
            msg.Data is { } data ? Encoding.UTF8.GetString(data) : string.Empty, time.GetUtcNow());
        var ack = await js.PublishAsync(Subjects.DeadLetterPreprocessor, letter, ContractSerializers.For<DeadLetter>(),
            new NatsJSPubOpts { MsgId = MessageIds.DeadLetter(_options.ConsumerName, sequence) }, cancellationToken: cancellationToken);
        ack.EnsureStored();
        // Terminate only once the dead letter is stored, so the message is never in neither place.
        await msg.AckTerminateAsync(cancellationToken: cancellationToken);
        telemetry.DeadLettered();
        PreprocessorLog.DeadLettered(logger, sequence, msg.Subject, deliveries, lastError);
    }
}
