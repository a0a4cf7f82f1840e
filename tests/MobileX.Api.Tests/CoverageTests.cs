using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MobileX.Contracts;
using MobileX.Messaging;
using Xunit;

namespace MobileX.Api.Tests;

/// <summary>The coverage model's snapshots as the API keeps and answers them.</summary>
[Collection(ServingCollection.Name)]
public sealed class CoverageTests(ServingFixture fixture)
{
    [Fact]
    public async Task Coverage_is_503_until_the_model_reports_then_the_published_snapshot_and_stale_once_it_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        // A replica of its own: the gateway's replicas may have heard a snapshot from another test already.
        await using var api = await fixture.StartSoloApiAsync("api-coverage", new Dictionary<string, string>
        {
            ["Api__CoverageStaleAfter"] = "00:00:02",
        });
        using var http = api.CreateClient();

        using (var before = await http.GetAsync("/api/coverage", ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
            Assert.Equal("application/problem+json", before.Content.Headers.ContentType?.MediaType);
            var problem = await before.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Contains("The coverage model has not reported yet", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.NotNull(before.Headers.RetryAfter);
        }

        var published = CoverageSamples.Timeline(DateTimeOffset.UtcNow);
        JsonElement report = default;
        await Poll.UntilAsync(async () =>
        {
            // Core NATS: a snapshot sent before the replica subscribed is gone, so publish as the model does, repeatedly.
            await PublishAsync(published, ct);
            using var response = await http.GetAsync("/api/coverage", ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            report = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return true;
        }, "the solo replica received the snapshot");

        Assert.Equal(published.GeneratedAt, report.GetProperty("generatedAt").GetDateTimeOffset());
        Assert.Equal(published.GeneratedAt - published.Window, report.GetProperty("windowStart").GetDateTimeOffset());
        Assert.Equal("00:10:00", report.GetProperty("window").GetString());
        Assert.False(report.GetProperty("stale").GetBoolean());
        Assert.InRange(report.GetProperty("ageSeconds").GetDouble(), 0, 2);
        var stations = report.GetProperty("stations").Deserialize<StationCoverage[]>(JsonSerializerOptions.Web)!;
        Assert.Equal(published.Stations.Select(s => s.StationId), stations.Select(s => s.StationId));
        for (var i = 0; i < stations.Length; i++)
        {
            Assert.Equal(published.Stations[i].State, stations[i].State);
            Assert.Equal(published.Stations[i].LastFrameAt, stations[i].LastFrameAt);
            Assert.Equal(published.Stations[i].Segments, stations[i].Segments);
        }

        // No newer snapshot: after Api:CoverageStaleAfter the same one is answered, marked stale.
        await Poll.UntilAsync(async () =>
        {
            report = await http.GetFromJsonAsync<JsonElement>("/api/coverage", ct);
            return report.GetProperty("stale").GetBoolean();
        }, "the snapshot marked stale", TimeSpan.FromSeconds(10));
        Assert.Equal(published.GeneratedAt, report.GetProperty("generatedAt").GetDateTimeOffset());
        Assert.True(report.GetProperty("ageSeconds").GetDouble() >= 2);
    }

    [Fact]
    public async Task Every_replica_follows_the_model_across_a_NATS_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        await fixture.Nats.StopAsync();
        await fixture.Nats.StartAsync();

        try
        {
            // After the restart each replica's connection must reconnect and resubscribe; round robin asks both.
            var published = CoverageSamples.Timeline(DateTimeOffset.UtcNow);
            var served = new HashSet<string>();
            await Poll.UntilAsync(async () =>
            {
                await PublishAsync(published, ct);
                using var response = await http.GetAsync("/api/coverage", ct);
                if (response.StatusCode == HttpStatusCode.OK
                    && (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("generatedAt").GetDateTimeOffset() == published.GeneratedAt)
                {
                    served.Add(response.Headers.GetValues("X-MobileX-Instance").Single());
                }

                return served.Count == fixture.ApiPorts.Count;
            }, "every replica serving the snapshot published after the restart", TimeSpan.FromSeconds(30));
        }
        finally
        {
            // Leave the collection as found: both replicas healthy behind the gateway again.
            var healthy = new HashSet<string>();
            var last = "no answer";
            await Poll.UntilAsync(async () =>
            {
                using var response = await http.GetAsync("/api/stations/01/frames/latest", ct);
                var instance = response.Headers.TryGetValues("X-MobileX-Instance", out var values) ? values.Single() : "gateway";
                if (response.IsSuccessStatusCode)
                {
                    healthy.Add(instance);
                }
                else
                {
                    last = $"{instance}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
                }

                return healthy.Count == fixture.ApiPorts.Count;
            }, "both replicas serving again", TimeSpan.FromSeconds(30), () => $"serving: [{string.Join(", ", healthy)}]; last refusal: {last}");
        }
    }

    private Task PublishAsync(CoverageTimeline timeline, CancellationToken ct) =>
        fixture.JetStream.Connection.PublishAsync(Subjects.CoverageTimeline, timeline, serializer: ContractSerializers.For<CoverageTimeline>(), cancellationToken: ct).AsTask();
}

/// <summary>Coverage snapshots shaped like the model's, relative to when they are generated.</summary>
internal static class CoverageSamples
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Station 01: seen 40 %, empty 40 %, blind 20 % of the window; station 02 blind throughout; station 03 seen
    /// throughout.
    /// </summary>
    public static CoverageTimeline Timeline(DateTimeOffset generatedAt)
    {
        var start = generatedAt - Window;
        return new CoverageTimeline(generatedAt, Window,
        [
            new StationCoverage(new StationId(1), CoverageStates.Blind, start.AddMinutes(8),
            [
                new CoverageSegment(CoverageStates.Seen, start, start.AddMinutes(4), 120, 3),
                new CoverageSegment(CoverageStates.Empty, start.AddMinutes(4), start.AddMinutes(8), 0, 117),
                new CoverageSegment(CoverageStates.Blind, start.AddMinutes(8), generatedAt, 0, 0),
            ]),
            new StationCoverage(new StationId(2), CoverageStates.Blind, null,
            [
                new CoverageSegment(CoverageStates.Blind, start, generatedAt, 0, 0),
            ]),
            new StationCoverage(new StationId(3), CoverageStates.Seen, generatedAt.AddSeconds(-1),
            [
                new CoverageSegment(CoverageStates.Seen, start, generatedAt, 300, 0),
            ]),
        ]);
    }
}
