using Microsoft.Extensions.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.JetStream;
using MobileX.Testing;
using Xunit;

namespace MobileX.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class StationsTests(ServingFixture fixture)
{
    [Fact]
    public async Task Stations_list_every_station_with_counts_and_latest_frames_from_startup_and_live_events()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();

        var stations = await http.GetFromJsonAsync<JsonElement[]>("/api/stations", ct);

        Assert.Equal(ServingFixture.StationCount, stations!.Length);
        var one = stations.Single(s => s.GetProperty("id").GetString() == "01");
        Assert.Equal(fixture.Seeded["01"].Key, one.GetProperty("latestProcessedKey").GetString());
        Assert.True(one.GetProperty("raw").GetInt64() >= 1);
        Assert.True(one.GetProperty("processed").GetInt64() >= 1);
        var two = stations.Single(s => s.GetProperty("id").GetString() == "02");
        Assert.Equal(fixture.Seeded["02"].Key, two.GetProperty("latestProcessedKey").GetString());
        var three = stations.Single(s => s.GetProperty("id").GetString() == "03");
        Assert.Equal(JsonValueKind.Null, three.GetProperty("latestProcessedKey").ValueKind);
        Assert.Equal(JsonValueKind.String, three.GetProperty("latestRawKey").ValueKind);
    }

    [Fact]
    public async Task Lag_counts_raw_frames_without_an_outcome_and_how_far_the_newest_outcome_trails_in_capture_time()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var station = new StationId(8);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var first = await fixture.SeedRawAsync(station, start);
        await fixture.SeedRawAsync(station, start.AddSeconds(1));
        await fixture.SeedRawAsync(station, start.AddSeconds(2.5));
        var rejected = new FrameRejected(first.FrameId, station, first.CapturedAt, first.Bucket, first.Key,
            RejectionReasons.NoFace, "test", DateTimeOffset.UtcNow);
        (await fixture.JetStream.PublishAsync(Subjects.FramesRejected(station), rejected, ContractSerializers.For<FrameRejected>(), cancellationToken: ct)).EnsureSuccess();

        // Both replicas follow the same subjects; poll until the one that answers has seen all four events.
        JsonElement eight = default;
        await Poll.UntilAsync(async () =>
        {
            var stations = await http.GetFromJsonAsync<JsonElement[]>("/api/stations", ct);
            eight = stations!.Single(s => s.GetProperty("id").GetString() == "08");
            return eight.GetProperty("rejected").GetInt64() >= 1 && eight.GetProperty("raw").GetInt64() >= 3;
        }, "station 08's events seen");

        Assert.Equal(2, eight.GetProperty("lagFrames").GetInt64());
        Assert.Equal(2.5, eight.GetProperty("lagSeconds").GetDouble(), precision: 3);
    }

    [Fact]
    public async Task A_station_whose_capture_reports_failing_is_shown_failing_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var station = new StationId(9);
        const string reason = "Station 09 has delivered no frame for 12 s: cannot store frames: connection refused";
        var report = new StationHealth(station, StationHealthStates.Failing, reason, DateTimeOffset.UtcNow.AddSeconds(-12), null, 40, 0, DateTimeOffset.UtcNow);

        JsonElement nine = default;
        await Poll.UntilAsync(async () =>
        {
            // Core NATS: a report sent before a replica subscribed is gone, so keep reporting, as the capture does.
            await fixture.JetStream.Connection.PublishAsync(Subjects.StationHealth(station), report, serializer: ContractSerializers.For<StationHealth>(), cancellationToken: ct);
            var stations = await http.GetFromJsonAsync<JsonElement[]>("/api/stations", ct);
            nine = stations!.Single(s => s.GetProperty("id").GetString() == "09");
            return nine.GetProperty("health").GetString() == StationHealthStates.Failing;
        }, "station 09 shown failing");

        Assert.Equal(reason, nine.GetProperty("healthReason").GetString());
        var stations = await http.GetFromJsonAsync<JsonElement[]>("/api/stations", ct);
        // A station whose capture never reported since the replica started is unknown, not ok.
        Assert.Equal(StationHealthStates.Unknown, stations!.Single(s => s.GetProperty("id").GetString() == "10").GetProperty("health").GetString());
    }

    [Fact]
    public async Task Forged_events_never_become_a_stations_latest_frame_and_their_objects_are_never_served()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var station = new StationId(10);
        var other = new StationId(2);
        var honest = await fixture.SeedAsync(station, DateTimeOffset.UtcNow.AddMinutes(-1));
        var expected = await File.ReadAllBytesAsync(RepositoryPaths.TestImage("astronaut.png"), ct);

        // Bait: real objects in another station's place, newer than the honest frame, which a forged event names.
        var at = DateTimeOffset.UtcNow;
        var id = FrameId.New(at);
        var baitKey = ObjectKeys.Frame(at, id);
        var bait = "not station 10's frame"u8.ToArray();
        await fixture.S3Client.EnsureBucketAsync(Buckets.Station(other), ct);
        await fixture.S3Client.PutObjectAsync(Buckets.Station(other), baitKey, bait, "image/png", cancellationToken: ct);
        await fixture.S3Client.PutObjectAsync(Buckets.Processed, ObjectKeys.Processed(other, baitKey), bait, "image/png", cancellationToken: ct);
        var processed = new FrameProcessed(id, station, at, Buckets.Station(station), baitKey, Buckets.Processed,
            ObjectKeys.Processed(other, baitKey), ObjectKeys.Sidecar(ObjectKeys.Processed(other, baitKey)), 512, 512, bait.Length, "test", at);
        var traversal = new FrameCaptured(FrameId.New(at), station, 2, at, Buckets.Station(station), "../" + Buckets.Station(other) + "/" + baitKey,
            "image/png", 512, 512, bait.Length, "test");
        var foreign = new FrameCaptured(id, station, 3, at, Buckets.Station(other), baitKey, "image/png", 512, 512, bait.Length, "test");
        // One connection, in this order: once the last raw event is counted, every earlier one has arrived.
        (await fixture.JetStream.PublishAsync(Subjects.FramesProcessed(station), processed, ContractSerializers.For<FrameProcessed>(), cancellationToken: ct)).EnsureSuccess();
        (await fixture.JetStream.PublishAsync(Subjects.FramesRaw(station), traversal, ContractSerializers.For<FrameCaptured>(), cancellationToken: ct)).EnsureSuccess();
        (await fixture.JetStream.PublishAsync(Subjects.FramesRaw(station), foreign, ContractSerializers.For<FrameCaptured>(), cancellationToken: ct)).EnsureSuccess();

        // Both replicas count the forged raw frames (they arrived on station 10's subject) and keep the honest frame.
        var seen = 0;
        await Poll.UntilAsync(async () =>
        {
            var stations = await http.GetFromJsonAsync<JsonElement[]>("/api/stations", ct);
            var ten = stations!.Single(s => s.GetProperty("id").GetString() == "10");
            seen = ten.GetProperty("raw").GetInt64() >= 3 ? seen + 1 : 0;
            if (ten.GetProperty("raw").GetInt64() >= 3)
            {
                Assert.Equal(honest.SourceKey, ten.GetProperty("latestRawKey").GetString());
                Assert.Equal(honest.Key, ten.GetProperty("latestProcessedKey").GetString());
                Assert.Equal(1, ten.GetProperty("processed").GetInt64());
            }

            return seen >= 6;
        }, "both replicas saw station 10's forged events");

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(expected, await http.GetByteArrayAsync("/api/stations/10/frames/latest?kind=raw", ct));
            Assert.Equal(expected, await http.GetByteArrayAsync("/api/stations/10/frames/latest?kind=processed", ct));
        }
    }

    [Fact]
    public async Task Latest_frame_is_the_stored_image_of_the_requested_kind()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var expected = await File.ReadAllBytesAsync(RepositoryPaths.TestImage("astronaut.png"), ct);

        using var processed = await http.GetAsync("/api/stations/01/frames/latest?kind=processed", ct);
        using var raw = await http.GetAsync("/api/stations/03/frames/latest?kind=raw", ct);
        using var none = await http.GetAsync("/api/stations/03/frames/latest", ct);
        using var badKind = await http.GetAsync("/api/stations/01/frames/latest?kind=thumbnail", ct);

        Assert.Equal(expected, await processed.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(expected, await raw.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
    }

    [Fact]
    public async Task Browsing_pages_through_a_time_range_with_a_cursor()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var station = new StationId(5);
        var start = new DateTimeOffset(2026, 1, 2, 10, 58, 0, TimeSpan.Zero);
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // Spread over two hour prefixes, so paging crosses an hour.
            keys.Add((await fixture.SeedRawAsync(station, start.AddMinutes(i))).Key);
        }

        var seen = new List<string>();
        var links = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/stations/05/frames?kind=raw&from=2026-01-02T10:00:00Z&to=2026-01-02T12:00:00Z&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await http.GetFromJsonAsync<JsonElement>(url, ct);
            seen.AddRange(page.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("key").GetString()!));
            links.AddRange(page.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("links")));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(keys, seen);
        Assert.Equal(3, pages);
        // Every item links its raw frame; nothing was processed, so no bust, sidecar or label.
        Assert.Equal(keys.Select(k => $"/api/lake/station-05/{k}"), links.Select(l => l.GetProperty("raw").GetString()));
        Assert.All(links, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("bust").ValueKind));
        var expected = await File.ReadAllBytesAsync(RepositoryPaths.TestImage("astronaut.png"), ct);
        Assert.Equal(expected, await http.GetByteArrayAsync(links[0].GetProperty("raw").GetString(), ct));

        using var tooWide = await http.GetAsync("/api/stations/05/frames?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooWide.StatusCode);
    }

    [Fact]
    public async Task Events_relay_live_frame_events_as_server_sent_events()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = ServingFixture.Authorized(new HttpClient { BaseAddress = fixture.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) });
        using var response = await http.GetAsync("/api/stations/06/events", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        // The subscription starts when the response starts; publish until the first event arrives.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var publisher = Task.Run(async () =>
        {
            while (!timeout.IsCancellationRequested)
            {
                await fixture.SeedRawAsync(new StationId(6), DateTimeOffset.UtcNow);
                await Task.Delay(200, timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, ct);

        var lines = new List<string>();
        while (lines.Count < 2 && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            // Blank lines end events; lines starting with ':' are comments (the stream's opening line).
            if (line.Length > 0 && line[0] != ':')
            {
                lines.Add(line);
            }
        }

        await timeout.CancelAsync();
        await publisher;
        Assert.Equal("event: raw", lines[0]);
        Assert.StartsWith("data: {", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"stationId\":\"06\"", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_and_the_reference_page_are_served()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = fixture.GatewayAddress };

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", ct);
        using var reference = await http.GetAsync("/api/reference/", ct);

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/avatars", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/stations/{id}/frames/latest", out _));
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }
}
