using MobileX.Capture.Telemetry;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using MobileX.Capture.Stations;
using MobileX.Capture.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Testing;
using Microsoft.Extensions.Hosting;

namespace MobileX.Capture.Tests.Stations;

[Collection(EndToEndCollection.Name)]
public sealed class EndToEndTests(NatsServerFixture nats, S3ServerFixture s3)
{
    private const int Stations = 10;
    private const int FramesPerStation = 4;

    [Fact]
    public async Task Ten_stations_store_every_frame_before_publishing_exactly_one_event_for_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new ConcurrentDictionary<string, Activity>();
        using var listener = new ActivityListener
        {
            // NATS.Net's own publish spans too, as in production, so its header injection meets ours.
            ShouldListenTo = source => source.Name == CaptureMetrics.Name || source.Name.StartsWith("NATS", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("mobilex.frame_id") is string frameId)
                {
                    spans[frameId] = activity;
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
        {
            ["Capture:Count"] = Stations.ToString(),
            ["Capture:FramesPerSecond"] = "10",
            ["Capture:MaxFrames"] = FramesPerStation.ToString(),
            ["Capture:SyntheticCycleFrames"] = "2",
        });
        await host.StartAsync(ct);
        await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync(ct);

        foreach (var station in host.Status().Stations)
        {
            Assert.Equal(StationState.Completed, station.State);
            Assert.Equal(FramesPerStation, station.Captured);
            Assert.Equal(FramesPerStation, station.Published);
            Assert.Equal(0, station.Dropped);
        }

        await using var connection = nats.Connect();
        var events = await CaptureHost.ReadFramesStreamAsync(connection, ct);
        Assert.Equal(Stations * FramesPerStation, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.Data!.FrameId).Distinct().Count());

        using var client = s3.CreateClient();
        foreach (var msg in events)
        {
            var frame = msg.Data!;
            Assert.Equal(Subjects.FramesRaw(frame.StationId), msg.Subject);
            Assert.Equal(Buckets.Station(frame.StationId), frame.Bucket);
            Assert.Equal(frame.FrameId.ToString(), msg.Headers?[MessageHeaders.MsgId].ToString());
            Assert.True(ObjectKeys.TryParseFrame(frame.Key, out var keyTime, out var keyFrameId));
            Assert.Equal(frame.FrameId, keyFrameId);
            Assert.Equal(frame.CapturedAt.UtcDateTime.ToString("yyyyMMddHHmmssfff"), keyTime.UtcDateTime.ToString("yyyyMMddHHmmssfff"));
            Assert.Equal((1280, 720, "image/jpeg"), (frame.Width, frame.Height, frame.ContentType));

            var stored = await client.GetObjectOrNullAsync(frame.Bucket, frame.Key, ct);
            Assert.NotNull(stored);
            Assert.Equal(frame.Bytes, stored.Content.Length);
            Assert.Equal(frame.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored.Content.Span)));
            Assert.Equal(frame.Sha256, stored.Metadata[FrameMetadata.Sha256]);
            Assert.Equal(frame.FrameId.ToString(), stored.Metadata[FrameMetadata.FrameId]);
            Assert.Equal(frame.StationId.ToString(), stored.Metadata[FrameMetadata.Station]);

            // The event carries the frame's own trace, so the preprocessor continues it.
            var span = spans[frame.FrameId.ToString()];
            var traceparent = Assert.Single(msg.Headers!["traceparent"].ToArray());
            Assert.Contains(span.TraceId.ToHexString(), traceparent);
        }

        foreach (var station in StationId.Range(Stations))
        {
            var stationEvents = events.Where(e => e.Data!.StationId == station).Select(e => e.Data!).ToList();
            Assert.Equal(Enumerable.Range(1, FramesPerStation).Select(n => (long)n), stationEvents.Select(e => e.Sequence));
            var keys = await CaptureHost.ListKeysAsync(client, Buckets.Station(station), ct);
            Assert.Equal(stationEvents.Select(e => e.Key).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        }
    }
}
