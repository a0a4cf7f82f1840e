using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using MobileX.Contracts;
using MobileX.Coverage;
using MobileX.Coverage.Timeline;
using MobileX.Messaging;
using NATS.Client.Core;

namespace MobileX.Feeds.Tests;

public sealed class CoverageTimelineBuilderTests
{
    private static readonly CoverageOptions Options = new() { Window = TimeSpan.FromMinutes(1), Resolution = TimeSpan.FromSeconds(10), StationCount = 2 };

    [Fact]
    public void SlotsBecomeSeenEmptyAndBlindSegments()
    {
        var timeline = new CoverageTimelineBuilder(Options);
        var t0 = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var one = new StationId(1);
        // 00–10 s: a bust among rejections; 10–20 s: only rejections; 20–40 s: nothing; 40–60 s: a bust.
        timeline.Observe(one, FrameStage.Rejected, t0.AddSeconds(1));
        timeline.Observe(one, FrameStage.Processed, t0.AddSeconds(2));
        timeline.Observe(one, FrameStage.Rejected, t0.AddSeconds(12));
        timeline.Observe(one, FrameStage.Raw, t0.AddSeconds(25)); // A raw frame says nothing about what is in it.
        timeline.Observe(one, FrameStage.Processed, t0.AddSeconds(45));
        timeline.Observe(one, FrameStage.Processed, t0.AddSeconds(52));

        var snapshot = timeline.Snapshot(t0.AddSeconds(59));
        var station = snapshot.Stations.Single(s => s.StationId == one);
        Assert.Equal(
            [(CoverageStates.Seen, 0, 10), (CoverageStates.Empty, 10, 20), (CoverageStates.Blind, 20, 40), (CoverageStates.Seen, 40, 59)],
            station.Segments.Select(s => (s.State, (int)(s.From - t0).TotalSeconds, (int)(s.To - t0).TotalSeconds)).ToList());
        Assert.Equal(CoverageStates.Seen, station.State);
        Assert.Equal(t0.AddSeconds(52), station.LastFrameAt);
        Assert.Equal(3, station.Segments.Sum(s => s.Processed));

        // A station that never sent a frame is on the timeline, blind all along.
        var two = snapshot.Stations.Single(s => s.StationId == new StationId(2));
        Assert.Equal(CoverageStates.Blind, Assert.Single(two.Segments).State);
    }

    [Fact]
    public void FramesOlderThanTheWindowAreForgotten()
    {
        var timeline = new CoverageTimelineBuilder(Options);
        var t0 = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        timeline.Observe(new StationId(1), FrameStage.Processed, t0);
        var later = timeline.Snapshot(t0.AddMinutes(5)).Stations[0];
        Assert.Equal(CoverageStates.Blind, Assert.Single(later.Segments).State);
    }

    [Fact]
    public void BadSettingsAreNamed()
    {
        var result = new CoverageOptionsValidator().Validate(null, new CoverageOptions { Window = TimeSpan.FromDays(1), Resolution = TimeSpan.FromSeconds(1), StationCount = 0 });
        Assert.Contains(result.Failures!, f => f.Contains("Coverage:Window"));
        Assert.Contains(result.Failures!, f => f.Contains("Coverage:StationCount"));
    }
}

/// <summary>The coverage model as a real app on the fixture's servers, fed by history in the lake and live frames.</summary>
[Collection(FeedsCollection.Name)]
public sealed class CoverageModelTests(FeedsFixture fixture)
{
    [Fact]
    public async Task TheModelPublishesATimelineFromLakeHistoryAndLiveFrames()
    {
        var ct = TestContext.Current.CancellationToken;
        // Stations 71..73 of a 73-station fleet: 71 shows a person, 72 only rejections, 73 nothing at all.
        var seen = new StationId(71);
        var empty = new StationId(72);
        var history = await fixture.Pipeline.ProcessAsync(await fixture.Pipeline.CaptureAsync(seen, DateTimeOffset.UtcNow.AddMinutes(-3), cancellationToken: ct), cancellationToken: ct);
        await using var nats = fixture.Nats.Connect();
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:nats", fixture.Nats.Url)
            .UseSetting("ConnectionStrings:minio", fixture.S3.ConnectionString)
            .UseSetting("Feeds:Model", "coverage-test")
            .UseSetting("Feeds:Stages:0", "processed")
            .UseSetting("Feeds:Stages:1", "rejected")
            .UseSetting("Coverage:StationCount", "73")
            .UseSetting("Coverage:Window", "00:10:00")
            .UseSetting("Coverage:PublishInterval", "00:00:00.200"));
        await using var snapshots = await nats.SubscribeCoreAsync(Subjects.CoverageTimeline, serializer: ContractSerializers.ForReading<CoverageTimeline>(), cancellationToken: ct);
        _ = app.Services; // Starts the host: feed, timeline, publisher.

        await fixture.Pipeline.RejectAsync(await fixture.Pipeline.CaptureAsync(empty, cancellationToken: ct), cancellationToken: ct);
        await fixture.Pipeline.ProcessAsync(await fixture.Pipeline.CaptureAsync(seen, cancellationToken: ct), cancellationToken: ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        CoverageTimeline? last = null;
        await foreach (var msg in snapshots.Msgs.ReadAllAsync(timeout.Token))
        {
            last = msg.Data!;
            var s71 = last.Stations.Single(s => s.StationId == seen);
            if (s71.Segments.Sum(s => s.Processed) >= 2 && last.Stations.Single(s => s.StationId == empty).Segments.Sum(s => s.Rejected) >= 1)
            {
                break;
            }
        }

        Assert.NotNull(last);
        var station71 = last.Stations.Single(s => s.StationId == seen);
        // The bust from three minutes ago came from the lake: the timeline shows it where it was captured.
        Assert.Contains(station71.Segments, s => s.State == CoverageStates.Seen && s.From <= history.CapturedAt && history.CapturedAt < s.To);
        Assert.Equal(CoverageStates.Seen, station71.State);
        Assert.Equal(CoverageStates.Empty, last.Stations.Single(s => s.StationId == empty).State);
        Assert.Equal(CoverageStates.Blind, last.Stations.Single(s => s.StationId == new StationId(73)).State);
        Assert.Equal(73, last.Stations.Count);
    }
}
