using MobileX.Capture.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Testing;
using Microsoft.Extensions.Hosting;

namespace MobileX.Capture.Tests.Stations;

[Collection(OutageCollection.Name)]
public sealed class OutageTests(NatsServerFixture nats, S3ServerFixture s3)
{
    private const int FramesPerStation = 80;
    private const int QueueCapacity = 15;

    [Fact]
    public async Task Five_seconds_without_NATS_drops_only_unstored_frames_and_drains_the_rest_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        StationId[] stations = [new(1), new(2)];
        using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
        {
            ["Capture:Stations"] = "01,02",
            ["Capture:FramesPerSecond"] = "10",
            ["Capture:MaxFrames"] = FramesPerStation.ToString(),
            ["Capture:QueueCapacity"] = QueueCapacity.ToString(),
            ["Capture:Width"] = "320",
            ["Capture:Height"] = "180",
            ["Capture:SyntheticCycleFrames"] = "4",
            ["Capture:AttemptTimeout"] = "00:00:01",
        });
        await host.StartAsync(ct);
        var status = host.Status();

        using (var warmUp = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            warmUp.CancelAfter(TimeSpan.FromSeconds(30));
            while (status.Stations.Any(s => s.Published < 5))
            {
                await Task.Delay(50, warmUp.Token);
            }
        }

        await nats.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        await nats.StartAsync();

        await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync(ct);

        await using var connection = nats.Connect();
        var events = await CaptureHost.ReadFramesStreamAsync(connection, ct);
        using var client = s3.CreateClient();
        foreach (var station in stations)
        {
            var stats = status.For(station);
            Assert.Equal(FramesPerStation, stats.Captured);
            Assert.Equal(stats.Captured, stats.Published + stats.Dropped);
            // 5 s at 10 fps is ~50 frames against a queue of 15: the outage must have overflowed it.
            Assert.True(stats.Dropped > 0, stats.ToString());
            Assert.Equal(stats.Published, stats.Stored);

            var stationEvents = events.Where(e => e.Data!.StationId == station).Select(e => e.Data!).ToList();
            Assert.Equal(stats.Published, stationEvents.Count);
            // The backlog drained in capture order.
            Assert.Equal(stationEvents.Select(e => e.Sequence).Order(), stationEvents.Select(e => e.Sequence));
            Assert.Equal(stationEvents.Count, stationEvents.Select(e => e.Sequence).Distinct().Count());

            // Every stored object has its event, and the dropped frames were never stored.
            var keys = await CaptureHost.ListKeysAsync(client, Buckets.Station(station), ct);
            Assert.Equal(stationEvents.Select(e => e.Key).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        }
    }
}
