using System.Text.Json;
using MobileX.Contracts;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Net;

namespace MobileX.Preprocessor.Tests;

[CollectionDefinition(Name)]
public sealed class WorkerFailoverCollection
{
    public const string Name = "preprocessor-replicas";
}

/// <summary>Two worker processes share the consumer; one is killed mid-stream and nothing is lost or doubled.</summary>
[Collection(WorkerFailoverCollection.Name)]
public sealed class WorkerFailoverTests : IAsyncLifetime
{
    private const int Frames = 48;
    private static readonly StationId Station = new(11);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly NatsServerFixture _nats = new();
    private readonly S3ServerFixture _s3 = new();
    private NatsConnection? _connection;

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(_nats.InitializeAsync().AsTask(), _s3.InitializeAsync().AsTask());
        _connection = _nats.Connect();
    }

    [Fact]
    public async Task When_one_of_two_workers_dies_every_frame_ends_processed_or_rejected_exactly_once()
    {
        var lake = new Lake(_s3.CreateClient(), _connection!.CreateJetStreamContext());
        await lake.EnsureAsync(Ct);
        var settings = new Dictionary<string, string>
        {
            // A short ack wait hands the dead worker's unacked frames to the survivor within the test's time.
            ["Preprocessor__AckWait"] = "00:00:02",
            ["Preprocessor__RetryDelay"] = "00:00:00.200",
        };
        await using var doomed = await WorkerProcess.StartAsync(_nats, _s3, settings);
        await using var survivor = await WorkerProcess.StartAsync(_nats, _s3, settings);

        byte[][] faces = [TestFrames.FaceJpeg(100, 100, 1.0), TestFrames.FaceJpeg(600, 150, 1.2), TestFrames.FaceJpeg(-120, 200, 1.0), TestFrames.FaceJpeg(800, 60, 0.9)];
        byte[][] negatives = [TestFrames.PhotoJpeg("camera.png"), TestFrames.PhotoJpeg("coffee.png"), TestFrames.PhotoJpeg("chelsea.png")];
        var expectFace = new Dictionary<FrameId, bool>();
        for (var i = 0; i < Frames; i++)
        {
            var face = i % 3 != 2;
            var frame = await lake.CaptureAsync(Station, face ? faces[i % faces.Length] : negatives[i % negatives.Length], Ct);
            expectFace[frame.FrameId] = face;
        }

        // Kill one worker by its pid once the stream is flowing but far from done.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int seenAtKill;
        while (true)
        {
            seenAtKill = (await lake.OutcomesAsync(Ct)).Count;
            if (seenAtKill >= 4 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(20, Ct);
        }

        await doomed.StopAsync();
        Assert.True(seenAtKill < Frames, $"All {Frames} frames were done before the kill; the test proves nothing.");
        Assert.True(doomed.HasExited);

        var events = await lake.WaitForOutcomesAsync(expectFace.Keys, TimeSpan.FromSeconds(90), Ct);

        Assert.False(survivor.HasExited, survivor.Output);
        foreach (var group in events.GroupBy(e => e.FrameId))
        {
            Assert.True(group.Count() == 1, $"Frame {group.Key} has {group.Count()} outcome events.");
        }

        Assert.Equal(Frames, events.Count);
        var processedKeys = new HashSet<string>(await lake.ProcessedKeysAsync(Buckets.Station(Station) + "/", Ct));
        var expectedKeys = new HashSet<string>();
        foreach (var e in events)
        {
            if (e.Subject == Subjects.FramesProcessed(Station))
            {
                Assert.True(expectFace[e.FrameId], $"Frame {e.FrameId} had no face but was processed.");
                var processed = JsonSerializer.Deserialize(e.Data, ContractsJsonContext.Default.FrameProcessed)!;
                expectedKeys.Add(processed.Key);
                expectedKeys.Add(processed.LineageKey);
            }
            else
            {
                Assert.Equal(Subjects.FramesRejected(Station), e.Subject);
                Assert.False(expectFace[e.FrameId], $"Frame {e.FrameId} had a face but was rejected.");
                var rejected = JsonSerializer.Deserialize(e.Data, ContractsJsonContext.Default.FrameRejected)!;
                Assert.Equal(Buckets.Processed, rejected.LabelBucket);
                expectedKeys.Add(rejected.LabelKey!);
            }
        }

        // The lake holds exactly one crop and one sidecar per processed event, and one label per rejected frame.
        Assert.Equal(expectedKeys.Order(), processedKeys.Order());
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        await _nats.DisposeAsync();
        await _s3.DisposeAsync();
    }
}
