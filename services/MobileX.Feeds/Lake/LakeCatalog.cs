using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using MobileX.Contracts;

namespace MobileX.Feeds.Lake;

/// <summary>
/// Reads the classified history from the lake: which stations hold data, and every frame of a station and stage in a
/// capture-time range, in frame-id order. Uses only the key layout of docs/contracts.md (time-partitioned prefixes),
/// so a range is listed prefix by prefix without scanning a bucket.
/// </summary>
public sealed class LakeCatalog(IAmazonS3 s3)
{
    /// <summary>
    /// The stations with data: the <c>station-NN</c> buckets. A processed or rejected frame always has its raw frame,
    /// so the raw buckets name every station at every stage.
    /// </summary>
    public async Task<IReadOnlyList<StationId>> StationsAsync(CancellationToken cancellationToken = default)
    {
        var stations = new SortedSet<StationId>();
        var buckets = await s3.ListBucketsAsync(new ListBucketsRequest(), cancellationToken).ConfigureAwait(false);
        foreach (var bucket in buckets.Buckets ?? [])
        {
            if (Buckets.TryGetStation(bucket.BucketName, out var station))
            {
                stations.Add(station);
            }
        }

        return [.. stations];
    }

    /// <summary>
    /// Every frame of <paramref name="station"/> at <paramref name="stage"/> captured in <c>[from, to)</c>, ordered by
    /// frame id (UUIDv7, so by capture time).
    /// </summary>
    /// <remarks>
    /// Keys sort by capture time (<c>yyyy/MM/dd/HH/HHmmssfff-…</c>), so one listing that starts after the key prefix of
    /// <paramref name="from"/> and stops at the first key past <paramref name="to"/> reads exactly the range, a thousand
    /// keys a request, and never scans the bucket. No delimiter walk: s3rver's delimiter answers do not parse in
    /// AWSSDK.S3. Frames of one millisecond are put in frame-id order by sorting each hour before it is yielded, so
    /// memory stays at one hour of one station.
    /// </remarks>
    public async IAsyncEnumerable<LakeEntry> ListAsync(StationId station, FrameStage stage, DateTimeOffset? from, DateTimeOffset? to,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (bucket, root) = stage == FrameStage.Raw
            ? (Buckets.Station(station), string.Empty)
            : (Buckets.Processed, Buckets.Station(station) + "/");
        var startAfter = from is { } f ? root + ObjectKeys.HourPrefix(f) : null;
        var hour = new List<LakeEntry>();
        var hourPrefix = string.Empty;
        await foreach (var item in ObjectsAsync(bucket, root, startAfter, cancellationToken).ConfigureAwait(false))
        {
            if (ToEntry(station, stage, bucket, item) is not { } entry || (from is { } start && entry.CapturedAt < start))
            {
                continue;
            }

            if (to is { } end && entry.CapturedAt >= end)
            {
                break;
            }

            var prefix = ObjectKeys.HourPrefix(entry.CapturedAt);
            if (prefix != hourPrefix)
            {
                foreach (var done in Sorted(hour))
                {
                    yield return done;
                }

                hour.Clear();
                hourPrefix = prefix;
            }

            hour.Add(entry);
        }

        foreach (var done in Sorted(hour))
        {
            yield return done;
        }
    }

    private static List<LakeEntry> Sorted(List<LakeEntry> entries)
    {
        entries.Sort(static (a, b) => a.FrameId.CompareTo(b.FrameId));
        return entries;
    }

    /// <summary>The listed object as a frame of <paramref name="stage"/>, or null for any other object (a sidecar, a stray key).</summary>
    internal static LakeEntry? ToEntry(StationId station, FrameStage stage, string bucket, Amazon.S3.Model.S3Object item)
    {
        var size = item.Size ?? 0;
        var modified = item.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;
        if (stage == FrameStage.Raw)
        {
            return ObjectKeys.TryParseFrame(item.Key, out var capturedAt, out var frameId)
                ? new LakeEntry(frameId, station, stage, capturedAt, bucket, item.Key, bucket, item.Key, size, modified)
                : null;
        }

        if (!ObjectKeys.TryParseProcessed(item.Key, out var keyStation, out var kind, out var sourceKey, out var captured, out var id) || keyStation != station)
        {
            return null;
        }

        return (stage, kind) switch
        {
            (FrameStage.Processed, ProcessedObjectKind.Bust) => new LakeEntry(id, station, stage, captured, bucket, item.Key, bucket, item.Key, size, modified),
            (FrameStage.Rejected, ProcessedObjectKind.RejectionLabel) => new LakeEntry(id, station, stage, captured, bucket, item.Key, Buckets.Station(station), sourceKey, size, modified),
            _ => null,
        };
    }

    private async IAsyncEnumerable<Amazon.S3.Model.S3Object> ObjectsAsync(string bucket, string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, StartAfter = startAfter };
        ListObjectsV2Response response;
        do
        {
            response = await ListOrEmptyAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.S3Objects ?? [])
            {
                yield return item;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
    }

    // A station that never published has no bucket yet: that is an empty history, not an error.
    private async Task<ListObjectsV2Response> ListOrEmptyAsync(ListObjectsV2Request request, CancellationToken cancellationToken)
    {
        try
        {
            return await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode == "NoSuchBucket")
        {
            return new ListObjectsV2Response();
        }
    }
}
