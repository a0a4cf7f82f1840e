using Amazon.S3.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MobileX.Capture.Retention;
using MobileX.Capture.Tests.Infrastructure;
using MobileX.Testing;

namespace MobileX.Capture.Tests.Retention;

/// <summary>The local sweep against a real s3rver, with time moved by a TimeProvider instead of waited for.</summary>
[Collection(RetentionCollection.Name)]
public sealed class RetentionSweeperTests(S3ServerFixture s3)
{
    [Fact]
    public async Task Objects_older_than_their_buckets_limit_are_gone_after_a_sweep_and_younger_ones_stay()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = s3.CreateClient();
        foreach (var bucket in new[] { "station-01", "processed", "avatars", "someone-else" })
        {
            await client.EnsureBucketAsync(bucket, ct);
        }

        await client.PutObjectAsync("station-01", "old.jpg", new byte[] { 1 }, "image/jpeg", cancellationToken: ct);
        await client.PutObjectAsync("processed", "old.jpg", new byte[] { 1 }, "image/jpeg", cancellationToken: ct);
        await client.PutObjectAsync("avatars", "old.png", new byte[] { 1 }, "image/png", cancellationToken: ct);
        await client.PutObjectAsync("someone-else", "old.bin", new byte[] { 1 }, "application/octet-stream", cancellationToken: ct);
        var old = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "station-01" }, ct)).S3Objects.Single().LastModified!.Value.ToUniversalTime();
        // s3rver keeps milliseconds; a gap makes "young" strictly younger than "old".
        await Task.Delay(TimeSpan.FromMilliseconds(1100), ct);
        await client.PutObjectAsync("station-01", "young.jpg", new byte[] { 2 }, "image/jpeg", cancellationToken: ct);
        var young = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "station-01" }, ct)).S3Objects.Single(o => o.Key == "young.jpg").LastModified!.Value.ToUniversalTime();
        Assert.True(young > old);

        // 7 days after the midpoint: the old object is just past the limit, the young one just within it.
        var now = new DateTimeOffset(old + (young - old) / 2, TimeSpan.Zero) + TimeSpan.FromDays(7);
        var time = new MovableTime(now);
        var options = Options.Create(new RetentionOptions { Sweep = true, StationsDays = 7, ProcessedDays = 7, AvatarsDays = 0 });
        var sweeper = new RetentionSweeper(client, options, time, NullLogger<RetentionSweeper>.Instance);

        var deleted = await sweeper.SweepOnceAsync(ct);

        Assert.Equal(2, deleted);
        Assert.Equal(["young.jpg"], await KeysAsync("station-01"));
        Assert.Empty(await KeysAsync("processed"));
        // 0 keeps for ever; a bucket MobileX does not own is never touched.
        Assert.Equal(["old.png"], await KeysAsync("avatars"));
        Assert.Equal(["old.bin"], await KeysAsync("someone-else"));

        // A week later the young one is past the limit too.
        time.Now += TimeSpan.FromDays(7);
        Assert.Equal(1, await sweeper.SweepOnceAsync(ct));
        Assert.Empty(await KeysAsync("station-01"));

        async Task<List<string>> KeysAsync(string bucket) =>
            [.. ((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, ct)).S3Objects ?? []).Select(o => o.Key)];
    }

    [Theory]
    [InlineData("StationsDays", -1)]
    [InlineData("ProcessedDays", -5)]
    [InlineData("AvatarsDays", -1)]
    public void A_negative_retention_is_refused_naming_the_setting(string setting, int days)
    {
        var options = new RetentionOptions();
        typeof(RetentionOptions).GetProperty(setting)!.SetValue(options, days);

        var result = new RetentionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Retention:{setting} is {days}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_keeps_for_ever_and_is_accepted_but_a_zero_interval_is_not()
    {
        var validator = new RetentionOptionsValidator();
        Assert.True(validator.Validate(null, new RetentionOptions { StationsDays = 0, ProcessedDays = 0, AvatarsDays = 0 }).Succeeded);
        var result = validator.Validate(null, new RetentionOptions { Interval = TimeSpan.Zero });
        Assert.Contains("Retention:Interval", result.FailureMessage, StringComparison.Ordinal);
    }

    private sealed class MovableTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
