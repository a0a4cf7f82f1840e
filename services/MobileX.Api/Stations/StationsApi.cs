using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MobileX.Api.Http;
using MobileX.Api.Lake;
using MobileX.Contracts;
using NATS.Client.Core;

namespace MobileX.Api.Stations;

/// <summary>Stations, their frames in the lake, and their live events.</summary>
public static class StationsApi
{
    public static IEndpointRouteBuilder MapStationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/stations").WithTags("Stations");
        api.MapGet("/", ListStations).WithSummary("Every station with its live status");
        api.MapGet("/{id}/frames/latest", GetLatestFrame).WithSummary("The station's latest frame image (kind=processed|raw)");
        api.MapGet("/{id}/frames", BrowseFrames).WithSummary("Frames in a time range, paged, from the time-partitioned keys, with their download links");
        api.MapGet("/{id}/events", StreamEvents).Produces(StatusCodes.Status200OK, contentType: "text/event-stream").WithSummary("Live frame events as server-sent events");
        return app;
    }

    internal static Ok<StationStatus[]> ListStations(StationDirectory directory) => TypedResults.Ok(directory.All().ToArray());

    internal static async Task<IResult> GetLatestFrame(
        string id, string? kind, StationDirectory directory, LatestFrameCache cache, CancellationToken cancellationToken)
    {
        if (ResolveFrames(id, kind, directory, out var station, out var frameKind) is { } error)
        {
            return error;
        }

        var (bucket, key) = frameKind == FrameKind.Processed
            ? (directory.LatestProcessed(station) is { } p ? (p.Bucket, p.Key) : (null, null))
            : (directory.LatestRaw(station) is { } r ? (r.Bucket, r.Key) : (null, null));
        if (bucket is null || key is null)
        {
            return Problems.Conflict("No frame yet", $"Station {station} has no {kind ?? "processed"} frame yet.");
        }

        var frame = await cache.GetAsync(station, frameKind, bucket, key, cancellationToken);
        return frame is null
            ? Problems.NotFound("Frame missing", $"The latest {frameKind.ToString().ToLowerInvariant()} frame {bucket}/{key} of station {station} is not in the store.")
            : TypedResults.Bytes(frame.Content, frame.ContentType ?? "image/jpeg");
    }

    /// <summary>One page of frames: keys in time order and the cursor of the next page, null on the last.</summary>
    public sealed record FramePage(StationId StationId, string Kind, string Bucket, IReadOnlyList<FrameEntry> Frames, string? NextCursor);

    /// <summary>One frame of a page: its key in the page's bucket, and where to download it and what was made of it.</summary>
    public sealed record FrameEntry(string Key, FrameId FrameId, DateTimeOffset CapturedAt, long Bytes, FrameLinks Links);

    /// <summary>
    /// <c>/api/lake/...</c> download paths of a frame's objects: the raw frame always, and its bust, lineage sidecar or
    /// rejection label where the lake holds them (null otherwise, e.g. while the preprocessor has not reached it).
    /// </summary>
    public sealed record FrameLinks(string Raw, string? Bust, string? Sidecar, string? RejectionLabel);

    internal static async Task<IResult> BrowseFrames(
        string id,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? kind,
        string? cursor,
        int? limit,
        StationDirectory directory,
        IAmazonS3 s3,
        IOptions<ApiOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (ResolveFrames(id, kind, directory, out var station, out var frameKind) is { } error)
        {
            return error;
        }

        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-1);
        var pageSize = limit ?? 100;
        if (start >= end)
        {
            return Problems.BadRequest("Empty time range", $"from ({start:O}) must be before to ({end:O}).");
        }

        if (end - start > TimeSpan.FromHours(options.Value.MaxBrowseHours))
        {
            return Problems.BadRequest("Time range too wide", $"One request covers at most {options.Value.MaxBrowseHours} hours; page through narrower ranges.");
        }

        if (pageSize < 1 || pageSize > options.Value.MaxPageSize)
        {
            return Problems.BadRequest("Bad limit", $"limit must be 1 to {options.Value.MaxPageSize}.");
        }

        // Keys of the processed mirror carry the station prefix; the cursor is always the bare frame key.
        var bucket = frameKind == FrameKind.Processed ? Buckets.Processed : Buckets.Station(station);
        var prefix = frameKind == FrameKind.Processed ? Buckets.Station(station) + "/" : "";
        DateTimeOffset resumeAt = start;
        if (cursor is not null)
        {
            if (!ObjectKeys.TryParseFrame(cursor, out var cursorTime, out _))
            {
                return Problems.BadRequest("Bad cursor", "cursor must be a frame key returned as nextCursor by a previous page.");
            }

            resumeAt = cursorTime > start ? cursorTime : start;
        }

        var frames = new List<FrameEntry>(pageSize);
        var index = new Dictionary<FrameId, int>(pageSize);
        string? last = null;
        var more = false;
        for (var hour = Truncate(resumeAt); hour < end && !more; hour = hour.AddHours(1))
        {
            var request = new ListObjectsV2Request
            {
                BucketName = bucket,
                Prefix = prefix + ObjectKeys.HourPrefix(hour),
                StartAfter = cursor is not null && string.CompareOrdinal(prefix + cursor, prefix + ObjectKeys.HourPrefix(hour)) > 0 ? prefix + cursor : null,
                MaxKeys = pageSize + 1,
            };
            ListObjectsV2Response response;
            do
            {
                try
                {
                    response = await s3.ListObjectsV2Async(request, cancellationToken);
                }
                catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return TypedResults.Ok(new FramePage(station, frameKind.ToString().ToLowerInvariant(), bucket, [], null));
                }

                foreach (var o in response.S3Objects ?? [])
                {
                    // A processed hour also holds each bust's sidecar (listed right after it) and rejection labels.
                    if (frameKind == FrameKind.Processed && ObjectKeys.TryParseProcessed(o.Key, out _, out var objectKind, out _, out _, out var ofFrame)
                        && objectKind == ProcessedObjectKind.Lineage && index.TryGetValue(ofFrame, out var bustAt))
                    {
                        frames[bustAt] = frames[bustAt] with { Links = frames[bustAt].Links with { Sidecar = LakeAddress.PathOf(Buckets.Processed, o.Key) } };
                        continue;
                    }

                    var frameKey = o.Key[prefix.Length..];
                    if (!ObjectKeys.TryParseFrame(frameKey, out var capturedAt, out var frameId) || capturedAt < start || capturedAt >= end)
                    {
                        continue;
                    }

                    if (frames.Count == pageSize)
                    {
                        more = true;
                        break;
                    }

                    var links = frameKind == FrameKind.Processed
                        ? new FrameLinks(LakeAddress.PathOf(Buckets.Station(station), frameKey), LakeAddress.PathOf(Buckets.Processed, o.Key), null, null)
                        : new FrameLinks(LakeAddress.PathOf(bucket, o.Key), null, null, null);
                    index[frameId] = frames.Count;
                    frames.Add(new FrameEntry(o.Key, frameId, capturedAt, o.Size ?? 0, links));
                    last = frameKey;
                }

                request.ContinuationToken = response.NextContinuationToken;
            }
            while (!more && response.IsTruncated == true);
        }

        if (frameKind == FrameKind.Raw && frames.Count > 0)
        {
            await LinkOutcomesAsync(s3, station, frames, index, cancellationToken);
        }

        return TypedResults.Ok(new FramePage(station, frameKind.ToString().ToLowerInvariant(), bucket, frames, more ? last : null));
    }

    /// <summary>
    /// Adds to a page of raw frames the busts, sidecars and rejection labels the lake holds for them: one listing of
    /// the processed mirror from the page's first frame to its last, which holds at most a few objects per frame.
    /// </summary>
    private static async Task LinkOutcomesAsync(IAmazonS3 s3, StationId station, List<FrameEntry> frames, Dictionary<FrameId, int> index, CancellationToken cancellationToken)
    {
        var first = ObjectKeys.Processed(station, frames[0].Key);
        var lastSource = frames[^1].Key;
        var request = new ListObjectsV2Request
        {
            BucketName = Buckets.Processed,
            Prefix = Buckets.Station(station) + "/",
            // Every object of the first frame sorts after its key without the extension.
            StartAfter = first[..^ObjectKeys.JpegExtension.Length],
        };
        ListObjectsV2Response response;
        do
        {
            try
            {
                response = await s3.ListObjectsV2Async(request, cancellationToken);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return; // Nothing was ever processed.
            }

            foreach (var o in response.S3Objects ?? [])
            {
                if (!ObjectKeys.TryParseProcessed(o.Key, out _, out var kind, out var sourceKey, out _, out var frameId))
                {
                    continue;
                }

                if (string.CompareOrdinal(sourceKey, lastSource) > 0)
                {
                    return;
                }

                if (index.TryGetValue(frameId, out var at))
                {
                    var path = LakeAddress.PathOf(Buckets.Processed, o.Key);
                    var links = frames[at].Links;
                    frames[at] = frames[at] with
                    {
                        Links = kind switch
                        {
                            ProcessedObjectKind.Bust => links with { Bust = path },
                            ProcessedObjectKind.Lineage => links with { Sidecar = path },
                            _ => links with { RejectionLabel = path },
                        },
                    };
                }
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
    }

    /// <summary>Null when <paramref name="id"/> is a station of this fleet and <paramref name="kind"/> a frame kind, else the problem to answer.</summary>
    private static ProblemHttpResult? ResolveFrames(string id, string? kind, StationDirectory directory, out StationId station, out FrameKind frameKind)
    {
        frameKind = default;
        if (StationLookup.Resolve(id, directory, out station) is { } error)
        {
            return error;
        }

        return FrameKinds.TryParse(kind, out frameKind)
            ? null
            : Problems.BadRequest("Unknown frame kind", $"kind must be 'raw' or 'processed', not '{kind}'.");
    }

    private static DateTimeOffset Truncate(DateTimeOffset t)
    {
        var u = t.UtcDateTime;
        return new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero);
    }

    internal static async Task StreamEvents(string id, HttpContext context, StationDirectory directory, INatsConnection nats, CancellationToken cancellationToken)
    {
        if (StationLookup.Resolve(id, directory, out var station) is { } error)
        {
            await error.ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        // A comment line goes out now, so a client sees the stream open before the station's next frame.
        await context.Response.WriteAsync($": station {station}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);

        // Straight from NATS: the message body is already the contract JSON, so it is relayed without re-serializing.
        var subject = $"{Subjects.Prefix}.stations.{station}.frames.>";
        await foreach (var msg in nats.SubscribeAsync<byte[]>(subject, cancellationToken: cancellationToken))
        {
            var kind = msg.Subject[(msg.Subject.LastIndexOf('.') + 1)..];
            await context.Response.WriteAsync($"event: {kind}\ndata: ", cancellationToken);
            await context.Response.Body.WriteAsync(msg.Data ?? "{}"u8.ToArray(), cancellationToken);
            await context.Response.WriteAsync("\n\n", cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
        }
    }
}
