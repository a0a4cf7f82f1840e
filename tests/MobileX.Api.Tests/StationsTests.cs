using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MobileX.Contracts;
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
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/stations/05/frames?kind=raw&from=2026-01-02T10:00:00Z&to=2026-01-02T12:00:00Z&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await http.GetFromJsonAsync<JsonElement>(url, ct);
            seen.AddRange(page.GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("key").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(keys, seen);
        Assert.Equal(3, pages);

        using var tooWide = await http.GetAsync("/api/stations/05/frames?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooWide.StatusCode);
    }

    [Fact]
    public async Task Events_relay_live_frame_events_as_server_sent_events()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = fixture.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
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
