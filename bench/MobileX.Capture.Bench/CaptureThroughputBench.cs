using MobileX.Capture;
using MobileX.Capture.Telemetry;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MobileX.Capture.Sources;
using MobileX.Capture.Stations;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Testing;
using NATS.Net;

namespace MobileX.Capture.Bench;

/// <summary>
/// Aggregate frames/s of N stations through capture -> S3 -> JetStream ack, beside a bare loop that PUTs the same
/// bytes to the same S3 server with the same concurrency, measured before and after in the same run.
/// </summary>
internal static class CaptureThroughputBench
{
    private const int CycleFrames = 8;

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        await using var nats = new NatsServerFixture();
        await using var s3 = new S3ServerFixture();
        await nats.InitializeAsync();
        await s3.InitializeAsync();
        using var client = s3.CreateClient();

        var frames = RenderFrames(settings);
        Console.WriteLine($"{settings.Stations} stations, {settings.Width}x{settings.Height}, frames of {frames.Average(f => f.Jpeg.Length) / 1024:0} KiB on average; " +
            $"{settings.Seconds} s per phase after {settings.WarmupSeconds} s warm-up; {Environment.ProcessorCount} cores");

        var before = await BarePutsAsync(client, frames, settings);
        Console.WriteLine($"bare PUT loop (before): {before:0.0} frames/s");

        // Offer the pipeline a little more than the bare PUT rate, so it runs saturated without burning the CPU
        // on frames that could only be dropped.
        var fps = Math.Max(1, before * 1.15 / settings.Stations);
        var capture = await CaptureAsync(nats, s3, settings, fps);

        var after = await BarePutsAsync(client, frames, settings);
        Console.WriteLine($"bare PUT loop (after):  {after:0.0} frames/s");

        var baseline = (before + after) / 2;
        Console.WriteLine();
        Console.WriteLine($"capture -> S3 -> NATS ack: {capture.FramesPerSecond:0.0} frames/s (offered {fps * settings.Stations:0} frames/s, {capture.Dropped} dropped from full queues)");
        Console.WriteLine($"ratio to bare PUT:          {capture.FramesPerSecond / baseline:0.00} (target >= 0.80)");
        Console.WriteLine($"capture-to-ack latency:     p50 {capture.P50:0.0} ms, p99 {capture.P99:0.0} ms ({capture.Samples} frames)");
        Console.WriteLine($"peak RSS during capture:    {capture.PeakRssBytes / (1024.0 * 1024):0} MiB");
        return 0;
    }

    private static List<EncodedFrame> RenderFrames(BenchSettings settings)
    {
        var options = new CaptureOptions { Width = settings.Width, Height = settings.Height, SamplesFolder = SamplesFolder(), SyntheticCycleFrames = CycleFrames };
        using var source = FrameSourceFactory.Open(new StationId(1), options, _ => { });
        return [.. Enumerable.Range(0, CycleFrames).Select(_ => source.Next())];
    }

    private static string SamplesFolder()
    {
        var installed = Path.Combine(RepositoryPaths.Root, ".data", "samples");
        return Directory.Exists(installed) ? installed : RepositoryPaths.TestData;
    }

    private static async Task<double> BarePutsAsync(IAmazonS3 client, List<EncodedFrame> frames, BenchSettings settings)
    {
        const string bucket = "bench-bare-put";
        await client.EnsureBucketAsync(bucket);
        long counted = 0;
        var measuring = false;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, settings.Stations).Select(station => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var frame = frames[i % frames.Count];
                await client.PutObjectAsync(bucket, $"{station:00}/{i}.jpg", frame.Jpeg, "image/jpeg", [new("sha256", frame.Sha256)]);
                if (Volatile.Read(ref measuring))
                {
                    Interlocked.Increment(ref counted);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds));
        var watch = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds));
        Volatile.Write(ref measuring, false);
        var rate = Interlocked.Read(ref counted) / watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        return rate;
    }

    private sealed record CaptureResult(double FramesPerSecond, long Dropped, double P50, double P99, int Samples, long PeakRssBytes);

    private static async Task<CaptureResult> CaptureAsync(NatsServerFixture nats, S3ServerFixture s3, BenchSettings settings, double fps)
    {
        var latencies = new ConcurrentQueue<double>();
        var measuring = false;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CaptureMetrics.Name && instrument.Name == CaptureMetrics.CaptureToAckName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            if (Volatile.Read(ref measuring))
            {
                latencies.Enqueue(value);
            }
        });
        listener.Start();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Benchmark" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:nats"] = nats.Url,
            ["ConnectionStrings:minio"] = s3.ConnectionString,
            ["Capture:Count"] = settings.Stations.ToString(CultureInfo.InvariantCulture),
            ["Capture:FramesPerSecond"] = fps.ToString(CultureInfo.InvariantCulture),
            ["Capture:Width"] = settings.Width.ToString(CultureInfo.InvariantCulture),
            ["Capture:Height"] = settings.Height.ToString(CultureInfo.InvariantCulture),
            ["Capture:SamplesFolder"] = SamplesFolder(),
            ["Capture:SyntheticCycleFrames"] = CycleFrames.ToString(CultureInfo.InvariantCulture),
            // A short queue keeps the latency figure about the pipeline, not about how long frames wait when offered too many.
            ["Capture:QueueCapacity"] = "2",
            ["Logging:LogLevel:Default"] = "Error",
        });
        builder.AddCapture();
        using var host = builder.Build();
        // Capture creates no stream: stand in for FRAMES' owner, the preprocessor.
        await using (var admin = nats.Connect())
        {
            await StreamProvisioning.EnsureStreamsAsync(admin.CreateJetStreamContext(), new StreamOptions());
        }

        await host.StartAsync();
        var status = host.Services.GetRequiredService<CaptureStatus>();

        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds));
        PeakRss.Reset();
        var published = status.Stations.Sum(s => s.Published);
        var dropped = status.Stations.Sum(s => s.Dropped);
        var watch = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(TimeSpan.FromSeconds(settings.Seconds));
        Volatile.Write(ref measuring, false);
        var rate = (status.Stations.Sum(s => s.Published) - published) / watch.Elapsed.TotalSeconds;
        var droppedInWindow = status.Stations.Sum(s => s.Dropped) - dropped;
        var peak = PeakRss.Read();
        await host.StopAsync();

        var sorted = latencies.Order().ToArray();
        return new CaptureResult(rate, droppedInWindow, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length, peak);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>The process's peak resident set (VmHWM), resettable on Linux so one phase can be measured alone.</summary>
internal static class PeakRss
{
    public static void Reset()
    {
        // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux or not permitted: the figure then covers the whole run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static long Read()
    {
        var line = File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            : null;
        return line is null
            ? Process.GetCurrentProcess().PeakWorkingSet64
            : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
