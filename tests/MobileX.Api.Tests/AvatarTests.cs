using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.JetStream.Models;
using Xunit;

namespace MobileX.Api.Tests;

[Collection(ServingCollection.Name)]
public sealed class AvatarTests(ServingFixture fixture)
{
    [Fact]
    public async Task Post_through_the_gateway_redirects_to_a_512x512_avatar_whose_lineage_names_the_source_frame()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var source = fixture.Seeded["01"];

        using var post = await http.PostAsJsonAsync("/api/avatars", new { stationId = "01", prompt = "Hero", style = "cartoon", seed = 7, strength = 0.6 }, ct);

        Assert.Equal(HttpStatusCode.SeeOther, post.StatusCode);
        var location = post.Headers.Location!.ToString();
        Assert.Matches("^/api/avatars/[0-9a-f]{32}$", location);

        using var image = await http.GetAsync(location, ct);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal((512, 512), Png.Size(await image.Content.ReadAsByteArrayAsync(ct)));

        var lineage = await http.GetFromJsonAsync(location + "/meta", ContractsJsonContext.Default.AvatarLineage, ct);
        Assert.NotNull(lineage);
        Assert.Equal(source.FrameId, lineage.SourceFrameId);
        Assert.Equal(Buckets.Processed, lineage.SourceBucket);
        Assert.Equal(source.Key, lineage.SourceKey);
        Assert.Equal(new StationId(1), lineage.StationId);
        Assert.Equal("Hero", lineage.Prompt);
        Assert.Equal("cartoon", lineage.Style);
        Assert.Equal(7, lineage.Seed);
        Assert.Equal(0.6, lineage.Strength);
        Assert.Equal(InferenceApi.Backends.Local, lineage.Backend);
        Assert.Equal((512, 512), (lineage.Width, lineage.Height));
        Assert.Contains(lineage.Instance, new[] { "api-1", "api-2" });

        // The adapter received the stored bust itself.
        var sent = fixture.Inference.Requests.Last(r => r.Prompt == "Hero");
        var stored = await fixture.S3Client.GetObjectOrNullAsync(Buckets.Processed, source.Key, ct);
        Assert.Equal(Convert.ToBase64String(stored!.Content.Span), sent.Image);

        // mobilex.avatars.created is in the EVENTS stream.
        var events = await fixture.JetStream.GetStreamAsync(Streams.Events, cancellationToken: ct);
        var last = await events.GetAsync(new StreamMsgGetRequest { LastBySubj = Subjects.AvatarsCreated }, ct);
        var created = JsonSerializer.Deserialize(last.Message!.Data.Span, ContractsJsonContext.Default.AvatarCreated)!;
        Assert.Equal(lineage.AvatarId, created.AvatarId);
        Assert.Equal($"/api/avatars/{created.AvatarId}", location);
        Assert.Equal(source.Key, created.SourceKey);
    }

    [Fact]
    public async Task A_frame_key_selects_that_processed_frame_as_the_source()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var source = fixture.Seeded["02"];

        using var post = await http.PostAsJsonAsync("/api/avatars", new { frameKey = source.Key, prompt = "Knight" }, ct);

        Assert.Equal(HttpStatusCode.SeeOther, post.StatusCode);
        var lineage = await http.GetFromJsonAsync(post.Headers.Location + "/meta", ContractsJsonContext.Default.AvatarLineage, ct);
        Assert.Equal(source.Key, lineage!.SourceKey);
        Assert.Equal(new StationId(2), lineage.StationId);
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests => new()
    {
        { "unknown station", """{"stationId":"42","prompt":"Hero"}""", HttpStatusCode.NotFound, "Station 42 does not exist" },
        { "no processed frame yet", """{"stationId":"03","prompt":"Hero"}""", HttpStatusCode.Conflict, "no processed frame yet" },
        { "empty prompt", """{"stationId":"01","prompt":""}""", HttpStatusCode.BadRequest, "prompt is required" },
        { "blank prompt", """{"stationId":"01","prompt":"   "}""", HttpStatusCode.BadRequest, "prompt is required" },
        { "prompt over 1000 characters", $$"""{"stationId":"01","prompt":"{{new string('a', 1001)}}"}""", HttpStatusCode.BadRequest, "1001 characters; the limit is 1000" },
        { "strength above 1", """{"stationId":"01","prompt":"Hero","strength":1.5}""", HttpStatusCode.BadRequest, "strength must be between 0 and 1" },
        { "strength below 0", """{"stationId":"01","prompt":"Hero","strength":-0.1}""", HttpStatusCode.BadRequest, "strength must be between 0 and 1" },
        { "body not JSON", "stationId=01&prompt=Hero", HttpStatusCode.BadRequest, "must be a JSON object" },
        { "truncated JSON", """{"stationId":"01","prompt":""", HttpStatusCode.BadRequest, "must be a JSON object" },
        { "neither station nor frame", """{"prompt":"Hero"}""", HttpStatusCode.BadRequest, "exactly one of stationId" },
        { "malformed frame key", """{"frameKey":"nope.jpg","prompt":"Hero"}""", HttpStatusCode.BadRequest, "not a processed frame key" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_its_own_problem_and_stores_nothing(string row, string body, HttpStatusCode expected, string detail)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var before = await CountAvatarObjectsAsync(ct);
        var calls = fixture.Inference.Requests.Count;

        using var response = await http.PostAsync("/api/avatars", new StringContent(body, Encoding.UTF8, "application/json"), ct);

        Assert.True(expected == response.StatusCode, $"{row}: expected {expected}, got {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await CountAvatarObjectsAsync(ct));
        Assert.Equal(calls, fixture.Inference.Requests.Count);
    }

    [Fact]
    public async Task An_image_too_large_for_the_adapter_gets_413_and_stores_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var station = new StationId(4);
        var at = DateTimeOffset.UtcNow;
        var key = ObjectKeys.Processed(station, ObjectKeys.Frame(at, FrameId.New(at)));
        var huge = new byte[InferenceDouble.MaxImageBytes + 1];
        Random.Shared.NextBytes(huge);
        await fixture.S3Client.PutObjectAsync(Buckets.Processed, key, huge, "image/jpeg", cancellationToken: ct);
        var before = await CountAvatarObjectsAsync(ct);

        using var response = await http.PostAsJsonAsync("/api/avatars", new { frameKey = key, prompt = "Hero" }, ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains("limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountAvatarObjectsAsync(ct));
    }

    [Theory]
    [InlineData("fail:429", HttpStatusCode.TooManyRequests, "queue is full")]
    [InlineData("fail:502", HttpStatusCode.BadGateway, "CUDA out of memory")]
    [InlineData("fail:504", HttpStatusCode.GatewayTimeout, "did not answer")]
    public async Task Adapter_errors_reach_the_client_as_problems_and_store_nothing(string prompt, HttpStatusCode expected, string detail)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var before = await CountAvatarObjectsAsync(ct);
        var calls = fixture.Inference.Requests.Count(r => r.Prompt == prompt);

        using var response = await http.PostAsJsonAsync("/api/avatars", new { stationId = "01", prompt }, ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        if (expected == HttpStatusCode.TooManyRequests)
        {
            Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        }

        // Deliberate answers are not retried against the adapter.
        Assert.Equal(calls + 1, fixture.Inference.Requests.Count(r => r.Prompt == prompt));
        Assert.Equal(before, await CountAvatarObjectsAsync(ct));
    }

    [Theory]
    [InlineData("/api/avatars/0192f0c0a1b27c3d8e9f0a1b2c3d4e5f")]
    [InlineData("/api/avatars/0192f0c0a1b27c3d8e9f0a1b2c3d4e5f/meta")]
    [InlineData("/api/avatars/not-an-id")]
    public async Task An_unknown_avatar_id_gets_404_problem(string path)
    {
        using var http = fixture.CreateGatewayClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<int> CountAvatarObjectsAsync(CancellationToken ct)
    {
        await fixture.S3Client.EnsureBucketAsync(Buckets.Avatars, ct);
        var listing = await fixture.S3Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Buckets.Avatars }, ct);
        return listing.S3Objects?.Count ?? 0;
    }
}
