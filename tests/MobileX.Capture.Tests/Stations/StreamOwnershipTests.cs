using MobileX.Capture.Stations;
using MobileX.Capture.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Testing;
using Microsoft.Extensions.Hosting;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.Capture.Tests.Stations;

/// <summary>Capture creates no stream: FRAMES is the preprocessor's, and stations retry their publishes until it exists.</summary>
[Collection(NoStreamsCollection.Name)]
public sealed class StreamOwnershipTests(NatsServerFixture nats, S3ServerFixture s3)
{
    private const int Frames = 20;

    [Fact]
    public async Task A_station_started_before_FRAMES_exists_delivers_every_frame_once_its_owner_creates_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var station = new StationId(5);
        using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
        {
            ["Capture:Station"] = station.ToString(),
            ["Capture:FramesPerSecond"] = "10",
            ["Capture:MaxFrames"] = Frames.ToString(),
            ["Capture:QueueCapacity"] = "100",
            ["Capture:Width"] = "320",
            ["Capture:Height"] = "180",
            ["Capture:SyntheticCycleFrames"] = "2",
        }, createStreams: false);
        await host.StartAsync(ct);
        var stats = host.Status().For(station);

        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(30));
            while (stats.Captured < 5)
            {
                await Task.Delay(50, wait.Token);
            }
        }

        await using var admin = nats.Connect();
        var js = admin.CreateJetStreamContext();
        // Nothing is published, and capture has not created the stream itself.
        Assert.Equal(0, stats.Published);
        var missing = await Assert.ThrowsAsync<NatsJSApiException>(async () => await js.GetStreamAsync(Streams.Frames, cancellationToken: ct));
        Assert.Equal(404, missing.Error.Code);

        // The owner (the preprocessor, here the test) creates it; the queued frames then drain in order.
        await StreamProvisioning.EnsureAsync(js, StreamProvisioning.FramesStream(new StreamOptions()), ct);
        await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync(ct);

        Assert.Equal(StationState.Completed, stats.State);
        Assert.Equal(((long)Frames, (long)Frames, 0L), (stats.Captured, stats.Published, stats.Dropped));
        var events = await CaptureHost.ReadFramesStreamAsync(admin, ct);
        Assert.Equal(Enumerable.Range(1, Frames).Select(n => (long)n), events.Select(e => e.Data!.Sequence));
        var stream = await js.GetStreamAsync(Streams.Frames, cancellationToken: ct);
        Assert.Equal(StreamProvisioning.FramesStream(new StreamOptions()).Description, stream.Info.Config.Description);
    }
}
