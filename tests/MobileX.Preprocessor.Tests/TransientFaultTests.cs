using System.Text.Json;
using MobileX.Contracts;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.Preprocessor.Tests;

[CollectionDefinition(Name)]
public sealed class TransientFaultCollection
{
    public const string Name = "preprocessor-faults";
}

/// <summary>The object store goes away: the frame is retried with backoff, then dead-lettered with its last error; nothing is lost.</summary>
[Collection(TransientFaultCollection.Name)]
public sealed class TransientFaultTests : OwnServersApp
{
    private const int MaxDeliver = 3;
    private static readonly StationId Station = new(21);

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Aspire:Minio:Client:MaxErrorRetry"] = "0",
        ["Aspire:Minio:Client:Timeout"] = "00:00:02",
        ["Preprocessor:MaxDeliver"] = MaxDeliver.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Preprocessor:RetryDelay"] = "00:00:00.100",
        ["Preprocessor:MaxRetryDelay"] = "00:00:00.300",
    };

    [Fact]
    public async Task A_frame_that_keeps_failing_is_retried_then_dead_lettered_and_the_worker_recovers()
    {
        var lake = new Lake(S3.CreateClient(), Connection.CreateJetStreamContext());
        await lake.EnsureAsync(Ct);
        await WaitForConsumerAsync(lake.Js);

        var bytes = TestFrames.FaceJpeg();
        await S3.StopAsync();
        var frame = await CaptureWithoutStoreAsync(lake, bytes);
        var sequence = (await lake.Js.GetStreamAsync(Streams.Frames, cancellationToken: Ct)).Info.State.LastSeq;

        var letter = await lake.WaitForDeadLetterAsync(sequence, Ct);
        Assert.Equal(MaxDeliver, letter.Deliveries);
        Assert.Equal(Subjects.FramesRaw(Station), letter.Subject);
        Assert.Equal(MessageIds.Captured(frame.FrameId), letter.MessageId);
        Assert.False(string.IsNullOrWhiteSpace(letter.LastError));
        Assert.Equal(frame.FrameId, JsonSerializer.Deserialize(letter.Payload, ContractsJsonContext.Default.FrameCaptured)!.FrameId);
        Assert.DoesNotContain(await lake.OutcomesAsync(Ct), e => e.FrameId == frame.FrameId);

        // With the store back, the next frame goes through.
        await S3.StartAsync();
        var next = await lake.CaptureAsync(Station, bytes, Ct);
        var outcome = await lake.WaitForOutcomeAsync(next.FrameId, Ct);
        Assert.Equal(Subjects.FramesProcessed(Station), outcome.Subject);
    }

    private static async Task<FrameCaptured> CaptureWithoutStoreAsync(Lake lake, byte[] bytes)
    {
        var at = DateTimeOffset.UtcNow;
        var id = FrameId.New(at);
        var frame = new FrameCaptured(id, Station, 1, at, Buckets.Station(Station), ObjectKeys.Frame(at, id), "image/jpeg", 1280, 720,
            bytes.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        await lake.PublishAsync(frame, Ct);
        return frame;
    }

    private static async Task WaitForConsumerAsync(INatsJSContext js)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await js.GetConsumerAsync(Streams.Frames, "preprocessor", Ct);
                return;
            }
            catch (NatsJSApiException)
            {
                await Task.Delay(50, Ct);
            }
        }

        throw new TimeoutException("The worker did not create its consumer within 30 s.");
    }
}
