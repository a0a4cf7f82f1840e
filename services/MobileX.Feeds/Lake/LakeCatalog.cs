using System.Globalization;
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
    private const string Delimiter = "/";

    /// <summary>The stations with data at <paramref name="stage"/>: <c>station-NN</c> buckets for raw, <c>processed/station-NN/</c> otherwise.</summary>
    public async Task<IReadOnlyList<StationId>> StationsAsync(FrameStage stage, CancellationToken cancellationToken = default)
    {
        var stations = new SortedSet<StationId>();
        if (stage == FrameStage.Raw)
        {
            var buckets = await s3.ListBucketsAsync(new ListBucketsRequest(), cancellationToken).ConfigureAwait(false);
            foreach (var bucket in buckets.Buckets ?? [])
            {
                if (Buckets.TryGetStation(bucket.BucketName, out var station))
                {
                    stations.Add(station);
                }
            }
        }
        else
        {
            await foreach (var prefix in CommonPrefixesAsync(Buckets.Processed, string.Empty, cancellationToken).ConfigureAwait(false))
            {
                if (Buckets.TryGetStation(prefix.TrimEnd('/'), out var station))
                {
                    stations.Add(station);
                }
            }
        }

        return [.. stations];
    }

    /// <summary>
    /// Every frame of <paramref name="station"/> at <paramref name="stage"/> captured in <c>[from, to)</c>, ordered by
    /// frame id (UUIDv7, so by capture time). One hour prefix is listed and sorted at a time, so memory stays at one
    /// hour of one station.
    /// </summary>
    public async IAsyncEnumerable<LakeEntry> ListAsync(StationId station, FrameStage stage, DateTimeOffset? from, DateTimeOffset? to,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (bucket, root) = stage == FrameStage.Raw
            ? (Buckets.Station(station), string.Empty)
            : (Buckets.Processed, Buckets.Station(station) + Delimiter);
        await foreach (var hour in HourPrefixesAsync(bucket, root, from, to, cancellationToken).ConfigureAwait(false))
        {
            var entries = new List<LakeEntry>();
            await foreach (var item in ObjectsAsync(bucket, root + hour, cancellationToken).ConfigureAwait(false))
            {
                if (ToEntry(station, stage, bucket, item) is { } entry
                    && (from is not { } f || entry.CapturedAt >= f)
                    && (to is not { } t || entry.CapturedAt < t))
                {
                    entries.Add(entry);
                }
            }

            entries.Sort(static (a, b) => a.FrameId.CompareTo(b.FrameId));
            foreach (var entry in entries)
            {
                yield return entry;
            }
        }
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

    /// <summary>
    /// The <c>yyyy/MM/dd/HH/</c> prefixes under <paramref name="root"/> that overlap <c>[from, to)</c>, oldest first,
    /// found by walking the partition levels with a delimiter: one request per level that has data, none per empty hour.
    /// </summary>
    private async IAsyncEnumerable<string> HourPrefixesAsync(string bucket, string root, DateTimeOffset? from, DateTimeOffset? to,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Level widths: year, month, day, hour. A prefix is kept when its time span overlaps the range.
        async IAsyncEnumerable<string> Walk(string prefix, int level)
        {
            var children = new List<string>();
            await foreach (var child in CommonPrefixesAsync(bucket, root + prefix, cancellationToken).ConfigureAwait(false))
            {
                children.Add(child[root.Length..]);
            }

            children.Sort(StringComparer.Ordinal);
            foreach (var child in children)
            {
                if (!TrySpan(child, level, out var start, out var end)
                    || (to is { } t && start >= t)
                    || (from is { } f && end <= f))
                {
                    continue;
                }

                if (level == 3)
                {
                    yield return child;
                    continue;
                }

                await foreach (var hour in Walk(child, level + 1).ConfigureAwait(false))
                {
                    yield return hour;
                }
            }
        }

        await foreach (var hour in Walk(string.Empty, 0).ConfigureAwait(false))
        {
            yield return hour;
        }
    }

    /// <summary>The time span a partition prefix such as <c>2026/12/</c> (level 1) covers; false for a prefix outside the layout.</summary>
    internal static bool TrySpan(string prefix, int level, out DateTimeOffset start, out DateTimeOffset end)
    {
        start = end = default;
        var parts = prefix.TrimEnd('/').Split('/');
        if (parts.Length != level + 1)
        {
            return false;
        }

        int[] widths = [4, 2, 2, 2];
        var values = new int[4] { 1, 1, 1, 0 };
        for (var i = 0; i <= level; i++)
        {
            if (parts[i].Length != widths[i] || !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                return false;
            }
        }

        try
        {
            start = new DateTimeOffset(values[0], values[1], values[2], values[3], 0, 0, TimeSpan.Zero);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        end = level switch
        {
            0 => start.AddYears(1),
            1 => start.AddMonths(1),
            2 => start.AddDays(1),
            _ => start.AddHours(1),
        };
        return true;
    }

    private async IAsyncEnumerable<string> CommonPrefixesAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Delimiter = Delimiter };
        ListObjectsV2Response response;
        do
        {
            response = await ListOrEmptyAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var common in response.CommonPrefixes ?? [])
            {
                yield return common;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
    }

    private async IAsyncEnumerable<Amazon.S3.Model.S3Object> ObjectsAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
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
