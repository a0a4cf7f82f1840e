using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using MobileX.Capture.Telemetry;

namespace MobileX.Capture.Retention;

/// <summary>
/// Deletes objects older than their bucket's retention, once at start and then every <see cref="RetentionOptions.Interval"/>.
/// Only MobileX's own buckets (<see cref="Contracts.Retention.ClassOf"/>) are touched. It runs where the lake has no
/// lifecycle rules (s3rver, in a local run) and in one process: the capture service, which runs once and already
/// holds the local root key; the preprocessor and API run as several replicas, which would sweep side by side.
/// </summary>
internal sealed class RetentionSweeper(IAmazonS3 s3, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweeper> logger) : BackgroundService
{
    private const int DeleteBatch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        CaptureLog.RetentionSweepStarted(logger, settings.Interval, settings.StationsDays, settings.ProcessedDays, settings.AvatarsDays);
        while (!stoppingToken.IsCancellationRequested)
        {
            await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            await Task.Delay(settings.Interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One sweep of every owned bucket; returns how many objects it deleted. A failing bucket is logged and skipped.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var buckets = await s3.ListBucketsAsync(cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var bucket in buckets.Buckets ?? [])
        {
            if (Contracts.Retention.ClassOf(bucket.BucketName) is not { } retentionClass)
            {
                continue;
            }

            var days = settings.DaysFor(retentionClass);
            if (days == 0)
            {
                continue;
            }

            try
            {
                var count = await SweepBucketAsync(bucket.BucketName, time.GetUtcNow() - TimeSpan.FromDays(days), cancellationToken).ConfigureAwait(false);
                deleted += count;
                if (count > 0)
                {
                    CaptureLog.RetentionSwept(logger, bucket.BucketName, days, count);
                }
            }
            catch (AmazonS3Exception ex)
            {
                CaptureLog.RetentionSweepFailed(logger, bucket.BucketName, ex);
            }
        }

        return deleted;
    }

    private async Task<int> SweepBucketAsync(string bucket, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var expired = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.S3Objects ?? [])
            {
                if (item.LastModified is { } modified && new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) < cutoff)
                {
                    expired.Add(item.Key);
                }
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        foreach (var batch in expired.Chunk(DeleteBatch))
        {
            await s3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = bucket,
                Objects = [.. batch.Select(key => new KeyVersion { Key = key })],
                Quiet = true,
            }, cancellationToken).ConfigureAwait(false);
        }

        return expired.Count;
    }
}
