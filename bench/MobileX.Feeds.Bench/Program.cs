// Feed benchmark: a model's backfill from the lake against bare S3 reads of the same objects, and the hand-over from
// history to live against the live frames' own spacing. Real nats-server and s3rver on loopback (bench/README.md).
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Feeds;
using MobileX.Feeds.Lake;
using MobileX.Messaging;
using MobileX.Testing;
using NATS.Net;

var history = ArgValue("--history", 2000);
var stations = ArgValue("--stations", 10);
var liveFps = ArgValue("--live-fps", 5); // per station
var fleet = StationId.Range(stations).ToList();

await using var nats = new NatsServerFixture();
await using var s3 = new S3ServerFixture();
await nats.StartAsync();
await s3.StartAsync();
await using var connection = nats.Connect();
var js = connection.CreateJetStreamContext();
await StreamProvisioning.EnsureStreamsAsync(js, new StreamOptions());
var client = s3.CreateClient();
var writer = new PipelineWriter(client, js);

// History the stream no longer holds: in the lake only, spread over the last two hours.
Console.Error.WriteLine($"Seeding {history} frames of {stations} stations into the lake…");
var start = DateTimeOffset.UtcNow.AddHours(-2);
var seeded = new List<FrameCaptured>(history);
for (var i = 0; i < history; i++)
{
    seeded.Add(await writer.CaptureAsync(fleet[i % stations], start.AddMilliseconds(i * 3000.0), announce: false));
}

// Baseline: bare sequential GETs of the same objects, as a model that kept its own key list would do.
var bare = Stopwatch.StartNew();
foreach (var frame in seeded)
{
    using var response = await client.GetObjectAsync(frame.Bucket, frame.Key);
    await response.ResponseStream.CopyToAsync(Stream.Null);
}

bare.Stop();

// Live publishing at a fixed rate while the model starts, so its hand-over falls among live frames.
using var publishing = new CancellationTokenSource();
var publisher = Task.WhenAll(fleet.Select(station => Task.Run(async () =>
{
    var period = TimeSpan.FromSeconds(1.0 / liveFps);
    using var timer = new PeriodicTimer(period);
    while (await timer.WaitForNextTickAsync(publishing.Token).AsTask().ContinueWith(t => t.Status == TaskStatus.RanToCompletion && t.Result))
    {
        await writer.CaptureAsync(station);
    }
})));
await Task.Delay(TimeSpan.FromSeconds(2));

var options = Options.Create(new FeedOptions { Model = "bench", Stages = ["raw"], Since = TimeSpan.FromHours(3), Resume = false });
await using var modelConnection = nats.Connect();
var feed = new FrameFeed(modelConnection.CreateJetStreamContext(), new LakeCatalog(client), new LakeReader(client), options, TimeProvider.System, NullLogger<FrameFeed>.Instance);
var backfill = Stopwatch.StartNew();
TimeSpan? lastLake = null;
TimeSpan? firstLive = null;
var lakeFrames = 0;
var liveLatency = new List<double>();
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
await foreach (var frame in feed.ReadAsync(timeout.Token))
{
    if (frame.Origin == FeedOrigin.Lake)
    {
        // The same work as the baseline: the image read (with the feed's sha256 check).
        await frame.ReadImageAsync();
        lakeFrames++;
        lastLake = backfill.Elapsed;
    }
    else
    {
        firstLive ??= backfill.Elapsed;
        // Capture to delivery, once the frames published during the backfill are drained.
        if (backfill.Elapsed - firstLive.Value > TimeSpan.FromSeconds(2))
        {
            liveLatency.Add((DateTimeOffset.UtcNow - frame.CapturedAt).TotalMilliseconds);
        }

        if (liveLatency.Count >= 200)
        {
            await frame.AckAsync();
            break;
        }
    }

    await frame.AckAsync();
}

await publishing.CancelAsync();
await publisher;

// Only the seeded history counts for the throughput figure: live frames written before the hand-over come from
// the lake too, so they are in lakeFrames but were not in the baseline.
var feedFps = lakeFrames / lastLake!.Value.TotalSeconds;
var bareFps = seeded.Count / bare.Elapsed.TotalSeconds;
var handover = (firstLive!.Value - lastLake.Value).TotalMilliseconds;
liveLatency.Sort();
var perLakeFrame = lastLake.Value.TotalMilliseconds / lakeFrames;
Console.WriteLine("| figure | value |");
Console.WriteLine("|---|---|");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| bare S3 GETs of the history | {bareFps:F0} frames/s ({seeded.Count} objects) |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| feed backfill (list + GET + sha256) | {feedFps:F0} frames/s ({lakeFrames} frames), ratio {feedFps / bareFps:F2} |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| hand-over: last lake frame to first live frame | {handover:F1} ms, {handover / perLakeFrame:F1}x the mean backfill frame ({perLakeFrame:F2} ms) |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| live, capture to delivery after the hand-over (200 frames at {stations * liveFps}/s) | p50 {liveLatency[liveLatency.Count / 2]:F1} ms, p99 {liveLatency[liveLatency.Count * 99 / 100]:F1} ms |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| stream copies skipped at the hand-over | {feed.Counts.SkippedAtHandover} |"));
return 0;

int ArgValue(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
