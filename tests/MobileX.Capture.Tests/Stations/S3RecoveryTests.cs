using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using MobileX.Capture.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Testing;

namespace MobileX.Capture.Tests.Stations;

/// <summary>
/// The defect as a user met it: a bucket whose object has a 0-byte metadata file (left by a crash of plain s3rver)
/// answered 500 to every listing, and its station never stored a frame again. The launcher moves such an object
/// aside at start, naming it, and the station stores and publishes as before.
/// </summary>
[Collection(S3RecoveryCollection.Name)]
public sealed class S3RecoveryTests(NatsServerFixture nats)
{
    [Fact]
    public async Task A_damaged_object_is_quarantined_by_name_at_start_and_its_station_stores_and_publishes_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var s3 = new S3ServerFixture();
        await s3.StartAsync();
        var bucket = Buckets.Station(new StationId(8));
        using (var client = s3.CreateClient())
        {
            await client.EnsureBucketAsync(bucket, ct);
            await client.PutObjectAsync(bucket, "2026/12/01/10/good.jpg", new byte[] { 1, 2, 3 }, "image/jpeg", cancellationToken: ct);
            await client.PutObjectAsync(bucket, "2026/12/01/10/broken.jpg", new byte[] { 4, 5, 6 }, "image/jpeg", cancellationToken: ct);
        }

        await s3.StopAsync();
        // What a SIGKILL of plain s3rver between truncating and writing the metadata file leaves behind.
        var metadata = Path.Combine(s3.DataDirectory, bucket, "2026", "12", "01", "10", "broken.jpg._S3rver_metadata.json");
        await File.WriteAllBytesAsync(metadata, [], ct);
        await s3.StartAsync(new Dictionary<string, string> { ["MOBILEX_S3RVER_FULL_SCAN"] = "1" });

        // The recovery lines are printed before the server listens; their read from the pipe may trail a little.
        for (var i = 0; i < 100 && !s3.Output.Contains("s3rver recovery:", StringComparison.Ordinal); i++)
        {
            await Task.Delay(20, ct);
        }

        Assert.Contains($"quarantined {bucket}/2026/12/01/10/broken.jpg", s3.Output, StringComparison.Ordinal);
        Assert.Contains("1 quarantined", s3.Output, StringComparison.Ordinal);
        Assert.True(Directory.EnumerateFiles(s3.DataDirectory + ".quarantine", "broken.jpg._S3rver_object", SearchOption.AllDirectories).Any(),
            "the damaged object is kept in the quarantine folder, not deleted");

        using var host = CaptureHost.Build(nats.Url, s3.ConnectionString, new Dictionary<string, string?>
        {
            ["Capture:Stations"] = "08",
            ["Capture:FramesPerSecond"] = "20",
            ["Capture:MaxFrames"] = "5",
            ["Capture:Width"] = "320",
            ["Capture:Height"] = "180",
        });
        await host.StartAsync(ct);
        await host.WaitForStationsAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync(ct);

        var stats = host.Status().For(new StationId(8));
        Assert.Equal(5, stats.Published);
        using var reader = s3.CreateClient();
        var keys = await CaptureHost.ListKeysAsync(reader, bucket, ct);
        Assert.Contains("2026/12/01/10/good.jpg", keys);
        Assert.DoesNotContain("2026/12/01/10/broken.jpg", keys);
        Assert.Equal(6, keys.Count);
        var head = await reader.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "2026/12/01/10/good.jpg" }, ct);
        Assert.Equal(3, head.ContentLength);
    }
}
