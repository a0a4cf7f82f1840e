using System.Collections.Concurrent;
using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Feeds.Lake;
using MobileX.Messaging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace MobileX.Feeds.Tests;

[Collection(FeedsCollection.Name)]
public sealed class FrameFeedTests(FeedsFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void FrameIdsCompareAsTheirHexDoes()
    {
        var start = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 2000).Select(i => FrameId.New(start.AddMilliseconds(i % 7))).ToList();
        var byValue = ids.Order().Select(i => i.ToString()).ToList();
        var byText = ids.Select(i => i.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(byText, byValue);
    }

    [Fact]
    public async Task TwoModelsEachReceiveEveryFrameOfATenStationRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var stations = Enumerable.Range(11, 10).Select(n => new StationId(n)).ToList();
        var selection = new FrameSelection { Stations = stations, Stages = [FrameStage.Processed] };
        var expected = new ConcurrentBag<FrameId>();
        // History first: some frames are in the lake before either model exists.
        foreach (var station in stations)
        {
            for (var i = 0; i < 3; i++)
            {
                expected.Add((await fixture.Pipeline.ProcessAsync(await fixture.Pipeline.CaptureAsync(station, cancellationToken: ct), cancellationToken: ct)).FrameId);
            }
        }

        var (alpha, alphaConnection) = fixture.NewFeed("alpha", selection);
        var (beta, betaConnection) = fixture.NewFeed("beta", selection);
        await using (alphaConnection)
        await using (betaConnection)
        {
            const int total = 10 * (3 + 12);
            var readers = new[] { TakeAsync(alpha, total, ct), TakeAsync(beta, total, ct) };
            // Then live: the ten stations keep publishing while both models read.
            await Task.WhenAll(stations.Select(async station =>
            {
                for (var i = 0; i < 12; i++)
                {
                    expected.Add((await fixture.Pipeline.ProcessAsync(await fixture.Pipeline.CaptureAsync(station, cancellationToken: ct), cancellationToken: ct)).FrameId);
                    await Task.Delay(20, ct);
                }
            }));

            var results = await Task.WhenAll(readers);
            foreach (var received in results)
            {
                Assert.Equal(total, received.Count);
                Assert.Empty(expected.Except(received.Select(f => f.FrameId)));
                Assert.Equal(received.Count, received.Select(f => f.FrameId).Distinct().Count());
            }

            Assert.Equal(results[0].Count, results[1].Count);
        }
    }

    [Fact]
    public async Task BackfillThenLiveAcrossABoundaryDuringPublishingHasNoGapNoDuplicateAndKeepsOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var stations = new[] { new StationId(21), new StationId(22), new StationId(23) };
        var selection = new FrameSelection { Stations = stations, Stages = [FrameStage.Raw] };
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var published = new ConcurrentQueue<FrameCaptured>();
        var publisher = PublishUntilAsync(stations, published, publishing.Token);
        await WaitUntilAsync(() => published.Count >= 60, ct);

        // The feed starts while the stations publish, so its hand-over falls among live frames.
        var (feed, connection) = fixture.NewFeed("handover", selection);
        await using (connection)
        {
            var received = new List<FeedFrame>();
            var reading = Task.Run(async () =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(Patience);
                await foreach (var frame in feed.ReadAsync(timeout.Token))
                {
                    await frame.AckAsync(ct);
                    lock (received)
                    {
                        received.Add(frame);
                        if (received.Count(f => f.Origin == FeedOrigin.Live) >= 60)
                        {
                            break;
                        }
                    }
                }
            }, ct);
            await WaitUntilAsync(() => { lock (received) { return received.Count(f => f.Origin == FeedOrigin.Live) >= 30; } }, ct);
            await publishing.CancelAsync();
            await publisher;
            var all = published.Select(f => f.FrameId).ToHashSet();
            await WaitUntilAsync(() => { lock (received) { return all.IsSubsetOf(received.Select(f => f.FrameId)); } }, ct);
            lock (received)
            {
                AssertExactlyOnceInOrder(published, received);
                Assert.Contains(received, f => f.Origin == FeedOrigin.Lake);
                Assert.Contains(received, f => f.Origin == FeedOrigin.Live);
            }
        }
    }

    [Fact]
    public async Task ARestartedModelResumesWithoutGapOrDuplicateInBackfillAndInLive()
    {
        var ct = TestContext.Current.CancellationToken;
        var stations = new[] { new StationId(31), new StationId(32) };
        var selection = new FrameSelection { Stations = stations, Stages = [FrameStage.Raw] };
        var published = new ConcurrentQueue<FrameCaptured>();
        // A long history, so the first stop falls inside the backfill.
        foreach (var station in stations)
        {
            for (var i = 0; i < 40; i++)
            {
                published.Enqueue(await fixture.Pipeline.CaptureAsync(station, cancellationToken: ct));
            }
        }

        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var publisher = PublishUntilAsync(stations, published, publishing.Token);
        var received = new List<FeedFrame>();

        // Run 1 stops in the backfill, run 2 stops in the live phase, run 3 reads the rest.
        received.AddRange(await RunAsync(stop: (got, _) => got.Count >= 25));
        Assert.All(received, f => Assert.Equal(FeedOrigin.Lake, f.Origin));
        received.AddRange(await RunAsync(stop: (got, _) => got.Count(f => f.Origin == FeedOrigin.Live) >= 20));
        await publishing.CancelAsync();
        await publisher;
        var all = published.Select(f => f.FrameId).ToHashSet();
        received.AddRange(await RunAsync(stop: (got, before) => all.IsSubsetOf(before.Concat(got).Select(f => f.FrameId))));
        AssertExactlyOnceInOrder(published, received);

        async Task<List<FeedFrame>> RunAsync(Func<List<FeedFrame>, List<FeedFrame>, bool> stop)
        {
            // A new connection and a new feed: what a restarted model process has.
            var (feed, connection) = fixture.NewFeed("restarts", selection);
            await using (connection)
            {
                var got = new List<FeedFrame>();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(Patience);
                await foreach (var frame in feed.ReadAsync(timeout.Token))
                {
                    await frame.AckAsync(ct);
                    got.Add(frame);
                    if (stop(got, received))
                    {
                        break;
                    }
                }

                return got;
            }
        }
    }

    [Fact]
    public async Task AHistoryThatTheStreamNoLongerHoldsComesFromTheLakeWithinItsRange()
    {
        var ct = TestContext.Current.CancellationToken;
        var station = new StationId(41);
        var start = new DateTimeOffset(2026, 11, 30, 22, 0, 0, TimeSpan.Zero);
        // Frames across a day and an hour boundary, in the lake only: as if the stream had dropped them long ago.
        var frames = new List<FrameCaptured>();
        for (var i = 0; i < 12; i++)
        {
            frames.Add(await fixture.Pipeline.CaptureAsync(station, start.AddMinutes(25 * i), announce: false, cancellationToken: ct));
        }

        var from = start.AddMinutes(50);
        var to = start.AddMinutes(200);
        var (feed, connection) = fixture.NewFeed("history", new FrameSelection { Stations = [station], Stages = [FrameStage.Raw], From = from, To = to });
        await using (connection)
        {
            var received = new List<FeedFrame>();
            await foreach (var frame in feed.ReadAsync(ct))
            {
                await frame.AckAsync(ct);
                received.Add(frame);
            }

            var inRange = frames.Where(f => f.CapturedAt >= from && f.CapturedAt < to).Select(f => f.FrameId).ToList();
            Assert.Equal(inRange, received.Select(f => f.FrameId).ToList());
            Assert.All(received, f => Assert.Equal(FeedOrigin.Lake, f.Origin));
            var image = await received[0].ReadImageAsync(ct);
            Assert.Equal(frames.Single(f => f.FrameId == received[0].FrameId).Sha256, image.Sha256);
        }
    }

    [Fact]
    public async Task ClaimChecksAreResolvedWithTheirLineageLabelAndChecksum()
    {
        var ct = TestContext.Current.CancellationToken;
        var station = new StationId(51);
        var kept = await fixture.Pipeline.ProcessAsync(await fixture.Pipeline.CaptureAsync(station, cancellationToken: ct), cancellationToken: ct);
        var refusedRaw = await fixture.Pipeline.CaptureAsync(station, cancellationToken: ct);
        await fixture.Pipeline.RejectAsync(refusedRaw, RejectionReasons.TooDark, cancellationToken: ct);
        var (feed, connection) = fixture.NewFeed("claims", new FrameSelection { Stations = [station], Stages = [FrameStage.Processed, FrameStage.Rejected] });
        await using (connection)
        {
            var frames = await TakeAsync(feed, 2, ct);
            var processed = frames.Single(f => f.Stage == FrameStage.Processed);
            var rejected = frames.Single(f => f.Stage == FrameStage.Rejected);
            Assert.Equal(kept.Sha256, (await processed.ReadImageAsync(ct)).Sha256);
            Assert.Equal(kept.SourceKey, (await processed.ReadLineageAsync(ct)).SourceKey);
            var label = await rejected.ReadLabelAsync(ct);
            Assert.Equal(RejectionReasons.TooDark, label.Reason);
            Assert.Equal(80, label.Scores!["brightness"]);
            // A rejected frame's image is its raw frame, checked against the raw object's own sha256.
            Assert.Equal(refusedRaw.Sha256, (await rejected.ReadImageAsync(ct)).Sha256);

            // Bytes changed after they were announced are refused, never served.
            await fixture.Pipeline.S3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Buckets.Processed, Key = kept.Key, ContentBody = "not the bust", UseChunkEncoding = false,
                Metadata = { [FrameMetadata.Sha256] = kept.Sha256 },
            }, ct);
            var error = await Assert.ThrowsAsync<FrameIntegrityException>(() => processed.ReadImageAsync(ct));
            Assert.Contains(kept.Key, error.Message);
        }
    }

    [Fact]
    public async Task AnUnreadableEventGoesToTheModelsDeadLetterSubjectOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var station = new StationId(61);
        var (feed, connection) = fixture.NewFeed("poison", new FrameSelection { Stations = [station], Stages = [FrameStage.Raw] });
        await using (connection)
        {
            var model = ModelName.Parse("poison");
            var reading = TakeAsync(feed, 1, ct);
            await WaitUntilAsync(async () => (await ConsumerExistsAsync(Live.LiveConsumers.NameFor(model, FrameStage.Raw), ct)), ct);
            (await fixture.Pipeline.Js.PublishAsync(Subjects.FramesRaw(station), "{ not json"u8.ToArray(), cancellationToken: ct)).EnsureSuccess();
            var good = await fixture.Pipeline.CaptureAsync(station, cancellationToken: ct);
            var frames = await reading;
            Assert.Equal(good.FrameId, Assert.Single(frames).FrameId);
            Assert.Equal(1, feed.Counts.DeadLettered);

            var letters = await fixture.Pipeline.Js.GetStreamAsync(Streams.Events, cancellationToken: ct);
            var last = await letters.GetAsync(new NATS.Client.JetStream.Models.StreamMsgGetRequest { LastBySubj = Subjects.DeadLetterModel(model) }, ct);
            Assert.Contains("not a raw frame event", System.Text.Encoding.UTF8.GetString(last.Message.Data.Span));
        }
    }

    private async Task<bool> ConsumerExistsAsync(string name, CancellationToken ct)
    {
        try
        {
            await fixture.Pipeline.Js.GetConsumerAsync(Streams.Frames, name, ct);
            return true;
        }
        catch (NatsJSApiException)
        {
            return false;
        }
    }

    private static void AssertExactlyOnceInOrder(IEnumerable<FrameCaptured> published, IReadOnlyCollection<FeedFrame> received)
    {
        var ids = received.Select(f => f.FrameId).ToList();
        var duplicates = ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var missing = published.Select(f => f.FrameId).Except(ids).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} duplicates, e.g. {string.Join(", ", duplicates.Take(3))}");
        Assert.True(missing.Count == 0, $"{missing.Count} missing of {published.Count()}, e.g. {string.Join(", ", missing.Take(3))}");
        foreach (var station in received.GroupBy(f => f.Station))
        {
            var order = station.Select(f => f.FrameId).ToList();
            Assert.Equal(order.Order().ToList(), order);
        }
    }

    /// <summary>Each station publishes one frame after the other, as a capture does, until cancelled.</summary>
    private Task PublishUntilAsync(IReadOnlyList<StationId> stations, ConcurrentQueue<FrameCaptured> published, CancellationToken cancellationToken) =>
        Task.WhenAll(stations.Select(station => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                published.Enqueue(await fixture.Pipeline.CaptureAsync(station, cancellationToken: CancellationToken.None));
                try
                {
                    await Task.Delay(15, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None)));

    private static async Task<List<FeedFrame>> TakeAsync(FrameFeed feed, int count, CancellationToken ct)
    {
        var frames = new List<FeedFrame>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        await foreach (var frame in feed.ReadAsync(timeout.Token))
        {
            await frame.AckAsync(ct);
            frames.Add(frame);
            if (frames.Count >= count)
            {
                break;
            }
        }

        return frames;
    }

    private static Task WaitUntilAsync(Func<bool> condition, CancellationToken ct) => WaitUntilAsync(() => Task.FromResult(condition()), ct);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within the test's patience.");
            await Task.Delay(50, ct);
        }
    }
}
