using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Preprocessor.Tests;

/// <summary>An event read back from the FRAMES stream.</summary>
internal sealed record StoredEvent(string Subject, string? MsgId, byte[] Data, NatsHeaders? Headers)
{
    public FrameId FrameId => Subject.EndsWith(".processed", StringComparison.Ordinal)
        ? JsonSerializer.Deserialize(Data, ContractsJsonContext.Default.FrameProcessed)!.FrameId
        : JsonSerializer.Deserialize(Data, ContractsJsonContext.Default.FrameRejected)!.FrameId;
}

/// <summary>What a station does (store a raw frame, announce it) and what the tests read back from the bus and the lake.</summary>
internal sealed class Lake(IAmazonS3 s3, INatsJSContext js)
{
    public IAmazonS3 S3 => s3;
    public INatsJSContext Js => js;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await StreamProvisioning.EnsureStreamsAsync(js, new StreamOptions(), cancellationToken);
        await s3.EnsureBucketAsync(Buckets.Processed, cancellationToken);
    }

    /// <summary>Stores <paramref name="bytes"/> as a raw frame (unless <paramref name="store"/> is false) and publishes its FrameCaptured.</summary>
    public async Task<FrameCaptured> CaptureAsync(StationId station, byte[] bytes, CancellationToken cancellationToken,
        bool store = true, string? sha256 = null, NatsHeaders? headers = null, string? msgId = null)
    {
        var at = DateTimeOffset.UtcNow;
        var id = FrameId.New(at);
        var bucket = Buckets.Station(station);
        var key = ObjectKeys.Frame(at, id);
        await s3.EnsureBucketAsync(bucket, cancellationToken);
        if (store)
        {
            await s3.PutObjectAsync(bucket, key, bytes, "image/jpeg", cancellationToken: cancellationToken);
        }

        var frame = new FrameCaptured(id, station, 1, at, bucket, key, "image/jpeg", 1280, 720, bytes.Length,
            sha256 ?? Convert.ToHexStringLower(SHA256.HashData(bytes)));
        await PublishAsync(frame, cancellationToken, headers, msgId ?? MessageIds.Captured(id));
        return frame;
    }

    /// <param name="subject">Where to publish; the raw subject of the event's own station unless a test forges it.</param>
    public async Task PublishAsync(FrameCaptured frame, CancellationToken cancellationToken, NatsHeaders? headers = null, string? msgId = null, string? subject = null)
    {
        var ack = await js.PublishAsync(subject ?? Subjects.FramesRaw(frame.StationId), frame, ContractSerializers.For<FrameCaptured>(),
            new NatsJSPubOpts { MsgId = msgId ?? MessageIds.Captured(frame.FrameId) }, headers, cancellationToken);
        ack.EnsureSuccess();
    }

    /// <summary>Every processed or rejected event in the FRAMES stream.</summary>
    public async Task<IReadOnlyList<StoredEvent>> OutcomesAsync(CancellationToken cancellationToken)
    {
        var stream = await js.GetStreamAsync(Streams.Frames, cancellationToken: cancellationToken);
        var last = stream.Info.State.LastSeq;
        var events = new List<StoredEvent>();
        if (last == 0)
        {
            return events;
        }

        var consumer = await js.CreateOrderedConsumerAsync(Streams.Frames, new NatsJSOrderedConsumerOpts { FilterSubjects = [Subjects.AllFrames] }, cancellationToken);
        await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken))
        {
            if (!msg.Subject.EndsWith(".raw", StringComparison.Ordinal))
            {
                var msgId = msg.Headers is { } h && h.TryGetValue(MessageHeaders.MsgId, out var v) ? v.ToString() : null;
                events.Add(new StoredEvent(msg.Subject, msgId, msg.Data ?? [], msg.Headers));
            }

            if (msg.Metadata?.Sequence.Stream >= last)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>Waits until every frame in <paramref name="frames"/> has an outcome event, then returns all outcome events.</summary>
    public async Task<IReadOnlyList<StoredEvent>> WaitForOutcomesAsync(IEnumerable<FrameId> frames, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wanted = frames.ToHashSet();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        IReadOnlyList<StoredEvent> events = [];
        while (true)
        {
            events = await OutcomesAsync(cancellationToken);
            var seen = events.Select(e => e.FrameId).ToHashSet();
            if (wanted.IsSubsetOf(seen))
            {
                return events;
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"{wanted.Except(seen).Count()} of {wanted.Count} frames got no outcome within {timeout}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async Task<StoredEvent> WaitForOutcomeAsync(FrameId frame, CancellationToken cancellationToken) =>
        (await WaitForOutcomesAsync([frame], TimeSpan.FromSeconds(30), cancellationToken)).Single(e => e.FrameId == frame);

    public async Task<bool> ExistsAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(bucket, key, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Keys under a prefix in the processed bucket.</summary>
    public Task<IReadOnlyList<string>> ProcessedKeysAsync(string prefix, CancellationToken cancellationToken) => KeysAsync(Buckets.Processed, prefix, cancellationToken);

    /// <summary>Keys under a prefix in any bucket.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken);
            keys.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return keys;
    }

    /// <summary>Waits for the dead letter of FRAMES message <paramref name="sequence"/> in the EVENTS stream.</summary>
    public async Task<DeadLetter> WaitForDeadLetterAsync(ulong sequence, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var stream = await js.GetStreamAsync(Streams.Events, cancellationToken: cancellationToken);
            var last = stream.Info.State.LastSeq;
            if (last > 0)
            {
                var consumer = await js.CreateOrderedConsumerAsync(Streams.Events, new NatsJSOrderedConsumerOpts { FilterSubjects = [Subjects.DeadLetterPreprocessor] }, cancellationToken);
                await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken))
                {
                    var letter = JsonSerializer.Deserialize(msg.Data!, ContractsJsonContext.Default.DeadLetter)!;
                    if (letter.StreamSequence == sequence)
                    {
                        return letter;
                    }

                    if (msg.Metadata?.Sequence.Stream >= last)
                    {
                        break;
                    }
                }
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"No dead letter for stream message {sequence} within 30 s.");
    }
}
