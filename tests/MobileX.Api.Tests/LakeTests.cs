using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;
using MobileX.Testing;
using Xunit;

namespace MobileX.Api.Tests;

/// <summary>Downloads by bucket and key through the gateway, and presigned URLs the object store serves itself.</summary>
[Collection(ServingCollection.Name)]
public sealed class LakeTests(ServingFixture fixture)
{
    // Station 04 in 2025: no other test lists that time, and nothing here publishes an event, so the station
    // directory is untouched.
    private static readonly StationId Station = new(4);

    [Fact]
    public async Task A_raw_frame_a_bust_its_sidecar_a_rejection_label_and_an_avatar_download_byte_for_byte()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var processed = await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, At(1), ct);
        var rejected = await LakeSeed.RejectedFrameAsync(fixture.S3Client, Station, At(2), ct);
        var avatar = AvatarId.New(At(3));
        var avatarImage = LakeSeed.RandomBytes(20_000);
        var avatarLineage = Encoding.UTF8.GetBytes($$"""{"avatarId":"{{avatar}}","prompt":"Hero"}""");
        await fixture.S3Client.EnsureBucketAsync(Buckets.Avatars, ct);
        await fixture.S3Client.PutObjectAsync(Buckets.Avatars, AvatarKeys.Image(avatar), avatarImage, "image/png", cancellationToken: ct);
        await fixture.S3Client.PutObjectAsync(Buckets.Avatars, AvatarKeys.Lineage(avatar), avatarLineage, "application/json", cancellationToken: ct);

        var expected = new (string Bucket, string Key, byte[] Bytes, string ContentType, bool Immutable)[]
        {
            (processed.Raw.Bucket, processed.Raw.Key, processed.Raw.Bytes, "image/jpeg", true),
            (Buckets.Processed, processed.Bust!.Key, processed.Bust.Bytes, "image/jpeg", false),
            (Buckets.Processed, processed.Sidecar!.Key, processed.Sidecar.Bytes, "application/json", false),
            (Buckets.Processed, rejected.Label!.Key, rejected.Label.Bytes, "application/json", false),
            (Buckets.Avatars, AvatarKeys.Image(avatar), avatarImage, "image/png", true),
            (Buckets.Avatars, AvatarKeys.Lineage(avatar), avatarLineage, "application/json", true),
        };
        foreach (var (bucket, key, bytes, contentType, immutable) in expected)
        {
            using var response = await http.GetAsync($"/api/lake/{bucket}/{key}", ct);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{bucket}/{key}: {response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            Assert.Equal(Sha256(bytes), Sha256(body));
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.ETag);
            Assert.True(response.Headers.CacheControl!.Private, $"{bucket}/{key} must not be cached by shared caches");
            if (immutable)
            {
                Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl.MaxAge);
                Assert.Contains(response.Headers.CacheControl.Extensions, e => e.Name == "immutable");
            }
            else
            {
                Assert.True(response.Headers.CacheControl.NoCache, $"{bucket}/{key} may be rewritten, so it must be revalidated");
            }
        }
    }

    [Theory]
    [InlineData("/api/lake/nosuch/2025/03/04/10/100000000-0195a1b2c3d47e8f9a0b1c2d3e4f5a6b.jpg", "Unknown bucket", "'nosuch' is not a lake bucket")]
    [InlineData("/api/lake/station-4/2025/03/04/10/100000000-0195a1b2c3d47e8f9a0b1c2d3e4f5a6b.jpg", "Unknown bucket", "'station-4' is not a lake bucket")]
    [InlineData("/api/lake/station-04/not-a-frame.jpg", "Key does not match the bucket's contract", "expected a raw frame key")]
    [InlineData("/api/lake/station-04/2025/03/04/11/100000000-0195a1b2c3d47e8f9a0b1c2d3e4f5a6b.jpg", "Key does not match the bucket's contract", "the hour folder matching the time")]
    [InlineData("/api/lake/station-04/2025/03/04/10/100000000-0195A1B2C3D47E8F9A0B1C2D3E4F5A6B.jpg", "Key does not match the bucket's contract", "lower-case hex")]
    [InlineData("/api/lake/processed/2025/03/04/10/100000000-0195a1b2c3d47e8f9a0b1c2d3e4f5a6b.jpg", "Key does not match the bucket's contract", "station-NN/yyyy/MM/dd/HH")]
    [InlineData("/api/lake/processed/station-04/2025/03/04/10/100000000-0195a1b2c3d47e8f9a0b1c2d3e4f5a6b.png", "Key does not match the bucket's contract", ".rejected.json (rejection label)")]
    [InlineData("/api/lake/avatars/0195a1b2c3d47e8f9a0b1c2d3e4f5a6b/thumbnail", "Key does not match the bucket's contract", "<avatarId>/image or <avatarId>/lineage.json")]
    [InlineData("/api/lake/station-04/2025//03/04/10/100000000-0195a1b2c3d47e8f9a0b1c2d3e4f5a6b.jpg", "Key is not a plain path", "empty segment")]
    [InlineData("/api/lake/station-04/2025%2F..%2F..%2F..%2Fprocessed", "Key is not a plain path", "percent-escape")]
    [InlineData("/api/lake/station-04/..%5C..%5Cprocessed", "Key is not a plain path", "backslash")]
    [InlineData("/api/lake/station-04", "Key is not a plain path", "is empty")]
    [InlineData("/api/lake/presigned/nosuch/a.jpg", "Unknown bucket", "'nosuch' is not a lake bucket")]
    [InlineData("/api/lake/presigned/station-04/2025//03/x.jpg", "Key is not a plain path", "empty segment")]
    [InlineData("/api/lake/presigned/processed/station-04/x.json", "Key does not match the bucket's contract", "station-NN/yyyy/MM/dd/HH")]
    public async Task A_bad_bucket_or_key_is_400_problem_naming_what_is_wrong(string path, string title, string detail)
    {
        using var http = fixture.CreateGatewayClient();

        using var response = await http.GetAsync(Raw(fixture.GatewayAddress, path), TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, title, detail);
    }

    [Fact]
    public async Task Dot_segments_in_the_request_path_are_400_when_a_replica_sees_them()
    {
        // Clients and the gateway resolve '..' before sending (RFC 3986), so only a raw request to a replica still
        // carries one; Kestrel resolves it too, and the replica reads it from the raw request target.
        var ct = TestContext.Current.CancellationToken;
        var frame = await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, At(4), ct);
        using var http = ServingFixture.Authorized(new HttpClient());
        var replica = new Uri($"http://127.0.0.1:{fixture.ApiPorts["api-1"]}");

        using var dots = await http.GetAsync(Raw(replica, $"/api/lake/station-04/../processed/{frame.Bust!.Key}"), ct);
        using var encodedDots = await http.GetAsync(Raw(replica, $"/api/lake/station-04/%2e%2e/processed/{frame.Bust.Key}"), ct);
        using var plain = await http.GetAsync(Raw(replica, $"/api/lake/processed/{frame.Bust.Key}"), ct);

        await AssertProblemAsync(dots, HttpStatusCode.BadRequest, "Key is not a plain path", "'.' or '..' segment");
        await AssertProblemAsync(encodedDots, HttpStatusCode.BadRequest, "Key is not a plain path", "'.' or '..' segment");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Fact]
    public async Task An_absent_object_is_404_problem_for_download_and_presign()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, At(5), ct);
        var absentKey = ObjectKeys.Frame(At(6), FrameId.New(At(6)));

        using var inStoredBucket = await http.GetAsync($"/api/lake/station-04/{absentKey}", ct);
        using var inAbsentBucket = await http.GetAsync($"/api/lake/station-77/{absentKey}", ct);
        using var sidecar = await http.GetAsync($"/api/lake/processed/{ObjectKeys.Sidecar(ObjectKeys.Processed(Station, absentKey))}", ct);
        using var presigned = await http.GetAsync($"/api/lake/presigned/station-04/{absentKey}", ct);

        await AssertProblemAsync(inStoredBucket, HttpStatusCode.NotFound, "No such object", $"station-04/{absentKey} is not in the lake");
        await AssertProblemAsync(inAbsentBucket, HttpStatusCode.NotFound, "No such object", "station-77/");
        await AssertProblemAsync(sidecar, HttpStatusCode.NotFound, "No such object", ".json is not in the lake");
        await AssertProblemAsync(presigned, HttpStatusCode.NotFound, "No such object", $"station-04/{absentKey} is not in the lake");
    }

    [Fact]
    public async Task If_None_Match_with_the_current_ETag_is_304_without_a_body()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var frame = await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, At(7), ct);
        var path = $"/api/lake/station-04/{frame.Raw.Key}";
        using var first = await http.GetAsync(path, ct);
        var etag = first.Headers.ETag!;

        // One strong tag (passed on to the store), the weak form of it and a list holding it (compared by the API),
        // and another object's tag.
        using var same = await GetAsync(http, path, etag.Tag, ct);
        using var weak = await GetAsync(http, path, $"W/{etag.Tag}", ct);
        using var list = await GetAsync(http, path, $"\"0000\", {etag.Tag}", ct);
        using var other = await GetAsync(http, path, "\"0123456789abcdef0123456789abcdef\"", ct);

        foreach (var notModified in new[] { same, weak, list })
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(ct));
            Assert.Equal(etag, notModified.Headers.ETag);
            Assert.Contains(notModified.Headers.CacheControl!.Extensions, e => e.Name == "immutable");
        }

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(Sha256(frame.Raw.Bytes), Sha256(await other.Content.ReadAsByteArrayAsync(ct)));
    }

    [Fact]
    public async Task A_presigned_url_fetched_with_a_plain_client_returns_the_same_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var frame = await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, At(8), ct);

        var before = DateTimeOffset.UtcNow;
        using var response = await http.GetAsync($"/api/lake/presigned/processed/{frame.Bust!.Key}?expires=60", ct);
        using var byDefault = await http.GetAsync($"/api/lake/presigned/station-04/{frame.Raw.Key}", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore, "a presigned URL is a credential: no cache may keep it");
        var presigned = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var url = new Uri(presigned.GetProperty("url").GetString()!);
        var expiresAt = presigned.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal(fixture.S3.Endpoint.Authority, url.Authority);
        Assert.Equal("http", url.Scheme);
        Assert.InRange(expiresAt, before.AddSeconds(58), DateTimeOffset.UtcNow.AddSeconds(62));
        Assert.True(SigV4.IsValidFor(url, SigV4.HostOf(url), S3ServerFixture.SecretKey), "the URL must be signed for the host it names");

        // Straight from the object store: no API, no gateway.
        using var plain = new HttpClient();
        Assert.Equal(Sha256(frame.Bust.Bytes), Sha256(await plain.GetByteArrayAsync(url, ct)));

        // No expires: the default, 5 minutes.
        var fallback = await byDefault.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.InRange(fallback.GetProperty("expiresAt").GetDateTimeOffset(), before.AddMinutes(5).AddSeconds(-2), DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(2));
        Assert.Equal(Sha256(frame.Raw.Bytes), Sha256(await plain.GetByteArrayAsync(fallback.GetProperty("url").GetString(), ct)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("3601")]
    [InlineData("1.5")]
    [InlineData("soon")]
    [InlineData("")]
    public async Task A_presign_expires_out_of_range_is_400_problem(string expires)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        var frame = await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, At(9), ct);

        using var response = await http.GetAsync($"/api/lake/presigned/station-04/{frame.Raw.Key}?expires={Uri.EscapeDataString(expires)}", ct);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Bad expires", "whole number of seconds from 1 to 3600");
    }

    [Fact]
    public async Task A_replica_with_a_public_endpoint_signs_for_that_host_and_one_with_a_small_cap_refuses_bigger_objects()
    {
        var ct = TestContext.Current.CancellationToken;
        var frame = await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, At(10), ct);
        // The same store under another name a user could reach it by.
        var publicEndpoint = new Uri($"http://localhost:{fixture.S3.Port}");
        await using var api = await fixture.StartSoloApiAsync("api-lake", new Dictionary<string, string>
        {
            ["Api__Lake__PublicEndpoint"] = publicEndpoint.ToString(),
            ["Api__Lake__MaxObjectBytes"] = "10000",
        });
        using var http = api.CreateClient();

        using var presign = await http.GetAsync($"/api/lake/presigned/processed/{frame.Bust!.Key}?expires=30", ct);
        var url = new Uri((await presign.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("url").GetString()!);
        Assert.Equal(publicEndpoint.Authority, url.Authority);
        Assert.True(SigV4.IsValidFor(url, publicEndpoint.Authority, S3ServerFixture.SecretKey), "signed for the public host");
        Assert.False(SigV4.IsValidFor(url, fixture.S3.Endpoint.Authority, S3ServerFixture.SecretKey), "a signature for the in-cluster host would be a rewritten URL");
        using var plain = new HttpClient();
        Assert.Equal(Sha256(frame.Bust.Bytes), Sha256(await plain.GetByteArrayAsync(url, ct)));

        // The bust is bigger than the cap, its sidecar is not.
        using var big = await http.GetAsync($"/api/lake/processed/{frame.Bust.Key}", ct);
        using var small = await http.GetAsync($"/api/lake/processed/{frame.Sidecar!.Key}", ct);

        var problem = await AssertProblemAsync(big, HttpStatusCode.Forbidden, "Object too large to serve through the API", "Api:Lake:MaxObjectBytes");
        Assert.Equal($"/api/lake/presigned/processed/{frame.Bust.Key}", problem.GetProperty("presigned").GetString());
        Assert.Equal(frame.Bust.Bytes.Length, problem.GetProperty("bytes").GetInt64());
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(Sha256(frame.Sidecar.Bytes), Sha256(await small.Content.ReadAsByteArrayAsync(ct)));
    }

    [Fact]
    public async Task Bad_lake_settings_stop_the_replica_at_start_naming_each_setting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var api = await fixture.StartSoloApiAsync("api-bad-lake", new Dictionary<string, string>
            {
                ["Api__Lake__PresignDefaultExpiry"] = "02:00:00",
                ["Api__Lake__PublicEndpoint"] = "ftp://lake.example.com/bucket",
                ["Api__Lake__MaxObjectBytes"] = "0",
            });
        });

        Assert.Contains("Api:Lake:PresignDefaultExpiry (02:00:00) must not exceed Api:Lake:PresignMaxExpiry", error.Message, StringComparison.Ordinal);
        Assert.Contains("Api:Lake:PublicEndpoint 'ftp://lake.example.com/bucket' must be an http:// or https:// URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("Api:Lake:MaxObjectBytes must be 1 byte to 1 TiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browse_items_carry_working_download_links_for_the_frame_and_what_preprocessing_made_of_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = fixture.CreateGatewayClient();
        // Three frames in one hour of their own: processed (bust + sidecar), rejected (label), not reached yet.
        var hour = new DateTimeOffset(2025, 3, 4, 20, 0, 0, TimeSpan.Zero);
        var processed = await LakeSeed.ProcessedFrameAsync(fixture.S3Client, Station, hour.AddMinutes(1), ct);
        var rejected = await LakeSeed.RejectedFrameAsync(fixture.S3Client, Station, hour.AddMinutes(2), ct);
        var pending = await LakeSeed.RawFrameAsync(fixture.S3Client, Station, hour.AddMinutes(3), ct);
        const string range = "from=2025-03-04T20:00:00Z&to=2025-03-04T21:00:00Z";

        var raw = await http.GetFromJsonAsync<JsonElement>($"/api/stations/04/frames?kind=raw&{range}", ct);
        var busts = await http.GetFromJsonAsync<JsonElement>($"/api/stations/04/frames?kind=processed&{range}", ct);

        var rawFrames = raw.GetProperty("frames").EnumerateArray().ToArray();
        Assert.Equal([processed.Raw.Key, rejected.Raw.Key, pending.Raw.Key], rawFrames.Select(f => f.GetProperty("key").GetString()));
        await AssertLinksAsync(http, rawFrames[0].GetProperty("links"), processed, ct);
        await AssertLinksAsync(http, rawFrames[1].GetProperty("links"), rejected, ct);
        await AssertLinksAsync(http, rawFrames[2].GetProperty("links"), pending, ct);

        var bustFrames = busts.GetProperty("frames").EnumerateArray().ToArray();
        var bust = Assert.Single(bustFrames);
        Assert.Equal(processed.Bust!.Key, bust.GetProperty("key").GetString());
        await AssertLinksAsync(http, bust.GetProperty("links"), processed, ct);
    }

    /// <summary>Each link is present exactly when the lake holds its object, and downloads exactly those bytes.</summary>
    private static async Task AssertLinksAsync(HttpClient http, JsonElement links, LakeSeed.Frame frame, CancellationToken ct)
    {
        var expected = new (string Name, LakeSeed.Stored? Object, string Bucket)[]
        {
            ("raw", frame.Raw, frame.Raw.Bucket),
            ("bust", frame.Bust, Buckets.Processed),
            ("sidecar", frame.Sidecar, Buckets.Processed),
            ("rejectionLabel", frame.Label, Buckets.Processed),
        };
        foreach (var (name, stored, bucket) in expected)
        {
            var link = links.GetProperty(name);
            if (stored is null)
            {
                Assert.Equal(JsonValueKind.Null, link.ValueKind);
                continue;
            }

            Assert.Equal($"/api/lake/{bucket}/{stored.Key}", link.GetString());
            Assert.Equal(Sha256(stored.Bytes), Sha256(await http.GetByteArrayAsync(link.GetString(), ct)));
        }
    }

    private static DateTimeOffset At(int minute) => new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero).AddMinutes(minute).AddMilliseconds(Random.Shared.Next(60_000));

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string ifNoneMatch, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return http.SendAsync(request, ct);
    }

    /// <summary>An absolute URI sent exactly as written: no dot-segment resolution, no unescaping.</summary>
    private static Uri Raw(Uri server, string path) =>
        new(server.GetLeftPart(UriPartial.Authority) + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return problem;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>Lake objects as the pipeline writes them, put straight into the store (no events).</summary>
internal static class LakeSeed
{
    public sealed record Stored(string Bucket, string Key, byte[] Bytes);

    /// <summary>A frame and what preprocessing left beside it; null where nothing was stored.</summary>
    public sealed record Frame(Stored Raw, Stored? Bust, Stored? Sidecar, Stored? Label);

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    public static async Task<Frame> RawFrameAsync(IAmazonS3 s3, StationId station, DateTimeOffset at, CancellationToken ct)
    {
        var key = ObjectKeys.Frame(at, FrameId.New(at));
        // Over the copy buffer of one read, so streaming has to loop.
        var raw = new Stored(Buckets.Station(station), key, RandomBytes(150_000));
        await s3.EnsureBucketAsync(raw.Bucket, ct);
        await s3.PutObjectAsync(raw.Bucket, raw.Key, raw.Bytes, "image/jpeg", cancellationToken: ct);
        return new Frame(raw, null, null, null);
    }

    public static async Task<Frame> ProcessedFrameAsync(IAmazonS3 s3, StationId station, DateTimeOffset at, CancellationToken ct)
    {
        var frame = await RawFrameAsync(s3, station, at, ct);
        var bustKey = ObjectKeys.Processed(station, frame.Raw.Key);
        var bust = new Stored(Buckets.Processed, bustKey, RandomBytes(40_000));
        var sidecar = new Stored(Buckets.Processed, ObjectKeys.Sidecar(bustKey),
            Encoding.UTF8.GetBytes($$"""{"sourceKey":"{{frame.Raw.Key}}","outputSha256":"{{Convert.ToHexStringLower(SHA256.HashData(bust.Bytes))}}"}"""));
        await s3.EnsureBucketAsync(Buckets.Processed, ct);
        await s3.PutObjectAsync(bust.Bucket, bust.Key, bust.Bytes, "image/jpeg", cancellationToken: ct);
        await s3.PutObjectAsync(sidecar.Bucket, sidecar.Key, sidecar.Bytes, "application/json", cancellationToken: ct);
        return frame with { Bust = bust, Sidecar = sidecar };
    }

    public static async Task<Frame> RejectedFrameAsync(IAmazonS3 s3, StationId station, DateTimeOffset at, CancellationToken ct)
    {
        var frame = await RawFrameAsync(s3, station, at, ct);
        var label = new Stored(Buckets.Processed, ObjectKeys.RejectionLabel(station, frame.Raw.Key),
            Encoding.UTF8.GetBytes($$"""{"sourceKey":"{{frame.Raw.Key}}","reason":"no-face"}"""));
        await s3.EnsureBucketAsync(Buckets.Processed, ct);
        await s3.PutObjectAsync(label.Bucket, label.Key, label.Bytes, "application/json", cancellationToken: ct);
        return frame with { Label = label };
    }
}
