using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MobileX.Capture.Stations;
using MobileX.Capture.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Testing;

namespace MobileX.Capture.Tests.Stations;

/// <summary>
/// The local S3 server killed with SIGKILL in the middle of the stations' PUTs, again and again. A crash once left a
/// 0-byte metadata file that made s3rver answer 500 to every listing of one bucket, and that station never stored
/// a frame again. Now every station publishes again soon after each restart, and every event names an intact object.
/// </summary>
[Collection(S3CrashCollection.Name)]
public sealed class S3CrashTests(NatsServerFixture nats, S3ServerFixture s3)
{
    private const int Crashes = 10;
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_station_publishes_again_after_each_SIGKILL_of_the_S3_server_mid_write_and_every_event_names_an_intact_object()
    {
        var ct = TestContext.Current.CancellationToken;
        var stations = StationId.Range(10).ToArray();
        using var host = CaptureHost.Build(nats, s3, new Dictionary<string, string?>
        {
            ["Capture:Count"] = "10",
            ["Capture:FramesPerSecond"] = "5",
            ["Capture:Width"] = "320",
            ["Capture:Height"] = "180",
            ["Capture:SyntheticCycleFrames"] = "4",
            ["Capture:AttemptTimeout"] = "00:00:01",
            ["Capture:FailingAfter"] = "00:00:02",
            ["Capture:HealthInterval"] = "00:00:00.500",
        });
        await using var bus = nats.Connect();
        var reports = new List<StationHealth>();
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var listener = Task.Run(async () =>
        {
            await foreach (var msg in bus.SubscribeAsync(Subjects.AllStationHealth, serializer: ContractSerializers.ForReading<StationHealth>(), cancellationToken: listening.Token))
            {
                lock (reports)
                {
                    reports.Add(msg.Data!);
                }
            }
        }, CancellationToken.None);

        await host.StartAsync(ct);
        var status = host.Status();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await WaitUntilEveryStationPublishesAsync(status, stations, RecoveryLimit, ct);

        var recoveries = new List<TimeSpan>();
        for (var crash = 1; crash <= Crashes; crash++)
        {
            // Some way into a burst of PUTs from ten stations.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 400)), ct);
            await s3.StopAsync();

            if (crash == Crashes / 2)
            {
                // One outage longer than FailingAfter: the capture's health names the failing stations and why.
                await Task.Delay(TimeSpan.FromSeconds(4), ct);
                // The S3 check of ServiceDefaults is Unhealthy meanwhile; the capture's own check says which station.
                var capture = (await health.CheckHealthAsync(r => r.Name == "capture", ct)).Entries["capture"];
                Assert.Equal(HealthStatus.Degraded, capture.Status);
                var description = capture.Description!;
                Assert.Contains("Station 01 has delivered no frame", description, StringComparison.Ordinal);
                Assert.Contains("cannot store frames", description, StringComparison.Ordinal);
                lock (reports)
                {
                    Assert.Contains(reports, r => r.StationId == stations[0] && r.State == StationHealthStates.Failing && r.Reason!.Contains("cannot store", StringComparison.Ordinal));
                }
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }

            await s3.StartAsync();
            var restarted = Stopwatch.StartNew();
            await WaitUntilEveryStationPublishesAsync(status, stations, RecoveryLimit, ct);
            recoveries.Add(restarted.Elapsed);
        }

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(r => r.Name == "capture", ct)).Status);
        await host.StopAsync(ct);
        await listening.CancelAsync();
        await listener.ContinueWith(_ => { }, CancellationToken.None);

        var events = (await CaptureHost.ReadFramesStreamAsync(bus, ct)).Select(e => e.Data!).ToList();
        using var client = s3.CreateClient();
        var broken = new List<string>();
        foreach (var frame in events)
        {
            var stored = await client.GetObjectOrNullAsync(frame.Bucket, frame.Key, ct);
            if (stored is null || Convert.ToHexStringLower(SHA256.HashData(stored.Content.Span)) != frame.Sha256)
            {
                broken.Add($"{frame.Bucket}/{frame.Key}: {(stored is null ? "missing" : "sha256 differs")}");
            }
        }

        foreach (var station in stations)
        {
            // Listing works in every bucket: no damaged object was left behind to break it.
            Assert.NotEmpty(await CaptureHost.ListKeysAsync(client, Buckets.Station(station), ct));
        }

        Assert.True(events.Count > 10 * Crashes, $"only {events.Count} events");
        Assert.True(broken.Count == 0, $"{broken.Count} of {events.Count} events name a missing or different object: {string.Join("; ", broken.Take(5))}");
        TestContext.Current.SendDiagnosticMessage(
            $"{Crashes} SIGKILLs, {events.Count} events checked; recovery to every station publishing: " +
            $"max {recoveries.Max().TotalSeconds:0.0} s, median {recoveries.Order().ElementAt(recoveries.Count / 2).TotalSeconds:0.0} s");
    }

    private static async Task WaitUntilEveryStationPublishesAsync(CaptureStatus status, StationId[] stations, TimeSpan limit, CancellationToken ct)
    {
        var before = stations.ToDictionary(s => s, s => status.For(s).Published);
        var deadline = Stopwatch.StartNew();
        while (stations.Any(s => status.For(s).Published <= before[s]))
        {
            Assert.True(deadline.Elapsed < limit,
                $"not every station published within {limit} of the restart: {string.Join("; ", status.Stations)}");
            await Task.Delay(50, ct);
        }
    }
}
