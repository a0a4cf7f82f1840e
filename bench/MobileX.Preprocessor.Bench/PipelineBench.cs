using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Preprocessor.Imaging;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.Preprocessor.Bench;

/// <summary>
/// End-to-end: real nats-server and s3rver, N preprocessor processes, frames stored and announced as a station does.
/// A burst measures frames/s; a paced run measures capture-to-processed latency without a backlog. Each figure is
/// also given as a ratio against the 1-replica run of the same invocation.
/// </summary>
internal static class PipelineBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var burst = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var paced = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var rate = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        // A station's webcam stream by default; "scenes" sends unrelated frames, so every one needs a whole-frame search.
        var input = args.Length > 3 ? args[3] : "stream";
        var frames = input == "scenes" ? BenchFrames.Create(16) : BenchFrames.Stream(96);
        Console.WriteLine($"Pipeline bench: burst {burst} frames, paced {paced} frames at {rate}/s, 1280x720 JPEG with one face, {input}.");

        var results = new List<(int Replicas, double Fps, double P50, double P99)>();
        var replicaCounts = args.Length > 4 ? args[4].Split(',').Select(int.Parse).ToArray() : [1, 2];
        foreach (var replicas in replicaCounts)
        {
            // Unrelated frames have no last face to follow, so "scenes" turns the face memory off: every frame is searched whole.
            var (fps, p50, p99) = await RunOnceAsync(replicas, frames, burst, paced, rate, input == "scenes" ? 0 : null);
            results.Add((replicas, fps, p50, p99));
        }

        var baseline = results[0];
        Console.WriteLine();
        Console.WriteLine("| replicas | frames/s (burst) | ratio vs 1 | p50 ms (paced) | p99 ms (paced) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Replicas} | {r.Fps:F1} | {r.Fps / baseline.Fps:F2}x | {r.P50:F1} | {r.P99:F1} |"));
        }

        return 0;
    }

    private static async Task<(double Fps, double P50, double P99)> RunOnceAsync(int replicas, byte[][] frames, int burst, int paced, double rate, int? rescanEvery)
    {
        var nats = new NatsServerFixture();
        var s3 = new S3ServerFixture();
        await nats.InitializeAsync();
        await s3.InitializeAsync();
        var workers = new List<ServerProcess>();
        try
        {
            await using var connection = nats.Connect();
            var js = connection.CreateJetStreamContext();
            var client = s3.CreateClient();
            await StreamProvisioning.EnsureStreamsAsync(js, new StreamOptions());
            await client.EnsureBucketAsync(Buckets.Processed);
            var station = new StationId(1);
            await client.EnsureBucketAsync(Buckets.Station(station));

            for (var i = 0; i < replicas; i++)
            {
                workers.Add(await StartWorkerAsync(nats, s3, rescanEvery));
            }

            var done = new ConcurrentDictionary<FrameId, long>();
            var signal = new SemaphoreSlim(0);
            using var cts = new CancellationTokenSource();
            var rejected = 0;
            var lineages = new ConcurrentQueue<string>();
            var listener = Task.Run(async () =>
            {
                await foreach (var msg in connection.SubscribeAsync<FrameProcessed>(Subjects.AllFramesProcessed, serializer: ContractSerializers.ForReading<FrameProcessed>(), cancellationToken: cts.Token))
                {
                    if (msg.Data is { } processed && done.TryAdd(processed.FrameId, Stopwatch.GetTimestamp()))
                    {
                        lineages.Enqueue(processed.LineageKey);
                        signal.Release();
                    }
                }
            });

            // A frame the worker turns down is finished too: counted, so a missed face cannot stall the run.
            var rejections = Task.Run(async () =>
            {
                await foreach (var msg in connection.SubscribeAsync<FrameRejected>(Subjects.AllFramesRejected, serializer: ContractSerializers.ForReading<FrameRejected>(), cancellationToken: cts.Token))
                {
                    if (msg.Data is { } frame && done.TryAdd(frame.FrameId, Stopwatch.GetTimestamp()))
                    {
                        Interlocked.Increment(ref rejected);
                        signal.Release();
                    }
                }
            });
            await connection.PingAsync();

            // Warm-up: the first frames pay for JIT (tiered, so for a few hundred calls) and the cascade load in each
            // worker; a service runs for days, so the figure is its steady state.
            await CaptureAsync(js, client, station, frames, 300 * replicas, rate: null, [], done, signal);

            var burstStarted = Stopwatch.GetTimestamp();
            var burstIds = await CaptureAsync(js, client, station, frames, burst, rate: null, [], done, signal);
            var fps = burst / Stopwatch.GetElapsedTime(burstStarted).TotalSeconds;

            var captured = new ConcurrentDictionary<FrameId, long>();
            var pacedIds = await CaptureAsync(js, client, station, frames, paced, rate, captured, done, signal);
            var latencies = pacedIds.Select(id => Stopwatch.GetElapsedTime(captured[id], done[id]).TotalMilliseconds).Order().ToArray();
            await cts.CancelAsync();
            await listener.ContinueWith(_ => { }, TaskScheduler.Default);
            await rejections.ContinueWith(_ => { }, TaskScheduler.Default);

            var near = 0;
            var larger = 0;
            var sampled = lineages.TakeLast(100).ToArray();
            foreach (var key in sampled)
            {
                var sidecar = await client.GetObjectOrNullAsync(Buckets.Processed, key);
                var lineage = System.Text.Json.JsonSerializer.Deserialize(sidecar!.Content.Span, ContractsJsonContext.Default.ProcessedLineage)!;
                var search = lineage.Detector.Parameters.GetValueOrDefault("search");
                near += search == DetectorLineage.SearchName(FaceSearch.NearLastFace) ? 1 : 0;
                larger += search == DetectorLineage.SearchName(FaceSearch.LargerThanLastFace) ? 1 : 0;
            }

            Console.WriteLine($"  lineage: {near} of the last {sampled.Length} processed frames were found near the station's last face, {larger} by the larger-face re-check");
            var p50 = latencies[(int)Math.Ceiling(latencies.Length * 0.50) - 1];
            var p99 = latencies[(int)Math.Ceiling(latencies.Length * 0.99) - 1];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{replicas} replica(s): {fps:F1} frames/s over {burstIds.Count} frames; paced p50 {p50:F1} ms, p99 {p99:F1} ms; rejected {rejected} of {done.Count}"));
            return (fps, p50, p99);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            await nats.DisposeAsync();
            await s3.DisposeAsync();
        }
    }

    /// <summary>Stores and announces <paramref name="count"/> frames (paced at <paramref name="rate"/> per second when given), then waits for all to be processed.</summary>
    private static async Task<List<FrameId>> CaptureAsync(INatsJSContext js, Amazon.S3.IAmazonS3 s3, StationId station, byte[][] frames, int count, double? rate,
        ConcurrentDictionary<FrameId, long> captured, ConcurrentDictionary<FrameId, long> done, SemaphoreSlim signal)
    {
        var ids = new List<FrameId>(count);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            if (rate is { } perSecond)
            {
                var due = TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }

            var bytes = frames[i % frames.Length];
            var at = DateTimeOffset.UtcNow;
            var id = FrameId.New(at);
            var key = ObjectKeys.Frame(at, id);
            captured[id] = Stopwatch.GetTimestamp();
            await s3.PutObjectAsync(Buckets.Station(station), key, bytes, "image/jpeg");
            var frame = new FrameCaptured(id, station, i, at, Buckets.Station(station), key, "image/jpeg", 1280, 720, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            var ack = await js.PublishAsync(Subjects.FramesRaw(station), frame, ContractSerializers.For<FrameCaptured>(), new NatsJSPubOpts { MsgId = MessageIds.Captured(id) });
            ack.EnsureSuccess();
            ids.Add(id);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!ids.All(done.ContainsKey))
        {
            await signal.WaitAsync(timeout.Token);
        }

        return ids;
    }

    private static Task<ServerProcess> StartWorkerAsync(NatsServerFixture nats, S3ServerFixture s3, int? rescanEvery)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryPaths.Root, "services", "MobileX.Preprocessor", "bin", configuration, "net10.0", "MobileX.Preprocessor.dll");
        var port = FreePort.Next();
        return ServerProcess.StartAsync("dotnet", [dll], port, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__nats"] = nats.Url,
            ["ConnectionStrings__minio"] = s3.ConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Preprocessor__Crop__RescanEvery"] = (rescanEvery ?? new CropOptions().RescanEvery).ToString(CultureInfo.InvariantCulture),
        }, TimeSpan.FromSeconds(60));
    }
}
