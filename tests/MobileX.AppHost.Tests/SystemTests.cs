using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MobileX.Contracts;
using MobileX.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Net;

namespace MobileX.AppHost.Tests;

/// <summary>
/// The whole system from the AppHost in Local mode: stations capture, the preprocessor crops busts, and an avatar is
/// requested through the gateway with the real inference adapter (local backend). Nothing here is a double.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class SystemTests
{
    private const string ApiKey = "system-test-read-write-key-0123456789";

    [Fact]
    public async Task Avatars_requested_through_the_gateway_five_in_a_row_are_made_from_a_stations_latest_bust()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = Directory.CreateTempSubdirectory("mobilex-system-").FullName;
        try
        {
            var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MobileX_AppHost>(
            [
                "MobileX:Infrastructure=Local",
                $"MobileX:StateDirectory={state}",
                $"MobileX:Nats:Port={FreePort.Next()}",
                $"MobileX:Nats:MonitorPort={FreePort.Next()}",
                $"MobileX:S3:Port={FreePort.Next()}",
                "MobileX:S3:Server=s3rver",
                $"MobileX:Gateway:Port={FreePort.Next()}",
                // Two stations keep this test light on a 2-core machine; the fleet size is covered by capture's tests.
                "MobileX:Stations:Count=2",
                // The API keys are generated parameters; the test names its own, as a user reads theirs from the dashboard.
                $"Parameters:api-key={ApiKey}",
                "Parameters:api-read-key=system-test-read-only-key-0123456789",
            ], ct);
            await using var app = await appHost.BuildAsync(ct);
            await app.StartAsync(ct);

            using var ready = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ready.CancelAfter(TimeSpan.FromMinutes(4));
            await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", ready.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("inference", ready.Token);

            using var gateway = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
            {
                BaseAddress = app.GetEndpoint("gateway", "http"),
                DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey) },
            };

            // The synthetic cameras show a face in some frames; wait until a station has a processed bust.
            var station = await FirstStationWithABustAsync(gateway, ready.Token);

            // Several in a row, as a user clicks: each must reach the inference adapter (a port shared with another
            // resource once answered some of them from a preprocessor, as 502s).
            for (var i = 0; i < AvatarsInARow; i++)
            {
                using var created = await gateway.PostAsJsonAsync("/api/avatars", new { stationId = station, prompt = "Hero", style = "cartoon", seed = 7 + i }, ready.Token);
                Assert.True(created.StatusCode == HttpStatusCode.SeeOther, $"avatar {i + 1} of {AvatarsInARow}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(ready.Token)}");
                var location = created.Headers.Location!;
                Assert.StartsWith("/api/avatars/", location.OriginalString);

                using var image = await gateway.GetAsync(location, ready.Token);
                Assert.Equal(HttpStatusCode.OK, image.StatusCode);
                var bytes = await image.Content.ReadAsByteArrayAsync(ready.Token);
                Assert.Equal((512, 512), PngSize(bytes));

                var meta = await gateway.GetFromJsonAsync<JsonElement>($"{location.OriginalString}/meta", ready.Token);
                Assert.Equal("processed", meta.GetProperty("sourceBucket").GetString());
                Assert.StartsWith($"station-{station}/", meta.GetProperty("sourceKey").GetString());
                Assert.Equal("local", meta.GetProperty("backend").GetString());
                Assert.Equal("Hero", meta.GetProperty("prompt").GetString());
            }

            // The coverage model runs under its own NATS user: it has made its checkpoint bucket and one consumer per stage.
            await using (var admin = new NatsConnection(NatsOpts.Default with { Url = (await app.GetConnectionStringAsync("nats", ready.Token))! }))
            {
                var js = admin.CreateJetStreamContext();
                string[] expected = [ModelName.Coverage.StageConsumer(FrameStage.Processed), ModelName.Coverage.StageConsumer(FrameStage.Rejected)];
                var consumers = new List<string>();
                while (!expected.All(consumers.Contains))
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ready.Token);
                    consumers.Clear();
                    await foreach (var name in js.ListConsumerNamesAsync(Streams.Frames, ready.Token))
                    {
                        consumers.Add(name);
                    }
                }

                await js.GetStreamAsync($"KV_{ModelName.Coverage.CheckpointBucket}", cancellationToken: ready.Token);
            }

            // Every station reports its health through the bus, and its lag is a number.
            var stations = await WaitForAsync(gateway, all => all.All(s => s.GetProperty("health").GetString() == "ok"), ready.Token);
            foreach (var s in stations)
            {
                Assert.True(s.GetProperty("lagFrames").GetInt64() >= 0);
                Assert.True(s.GetProperty("lagSeconds").GetDouble() >= 0);
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private const int AvatarsInARow = 5;

    private static async Task<JsonElement[]> WaitForAsync(HttpClient gateway, Func<JsonElement[], bool> condition, CancellationToken ct)
    {
        while (true)
        {
            var stations = (await gateway.GetFromJsonAsync<JsonElement>("/api/stations", ct)).EnumerateArray().ToArray();
            if (condition(stations))
            {
                return stations;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static async Task<string> FirstStationWithABustAsync(HttpClient gateway, CancellationToken ct)
    {
        while (true)
        {
            var stations = await gateway.GetFromJsonAsync<JsonElement>("/api/stations", ct);
            foreach (var s in stations.EnumerateArray())
            {
                if (s.TryGetProperty("processed", out var processed) && processed.GetInt64() > 0)
                {
                    return s.GetProperty("id").GetString()!;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "the avatar is not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}

/// <summary>AppHost runs are heavy: the tests that start one run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostCollection
{
    public const string Name = "apphost";
}
