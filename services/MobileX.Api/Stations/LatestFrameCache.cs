using System.Collections.Concurrent;
using Amazon.S3;
using MobileX.Api.Telemetry;
using MobileX.Contracts;

namespace MobileX.Api.Stations;

/// <summary>
/// Holds the bytes of each station's latest frame of each kind, so the page's grid, polled by every viewer, costs one
/// object read per new frame instead of one per request. It reads only the station's own frame objects
/// (<see cref="EventChecks.IsStationFrame"/>), whatever an event named.
/// </summary>
public sealed class LatestFrameCache(IAmazonS3 s3, ILogger<LatestFrameCache> logger)
{
    private readonly ConcurrentDictionary<(StationId, FrameKind), S3Object> _frames = new();

    /// <summary>The object at <paramref name="bucket"/>/<paramref name="key"/>, from memory when it is still the latest.</summary>
    /// <returns>Null when the object is missing, or is not <paramref name="station"/>'s frame of that kind (never read then).</returns>
    public async ValueTask<S3Object?> GetAsync(StationId station, FrameKind kind, string bucket, string key, CancellationToken cancellationToken)
    {
        if (!EventChecks.IsStationFrame(station, kind == FrameKind.Raw ? FrameStage.Raw : FrameStage.Processed, bucket, key))
        {
            ApiLog.RefusedFrameRead(logger, bucket, key, station.ToString(), kind.ToString().ToLowerInvariant());
            return null;
        }

        if (_frames.TryGetValue((station, kind), out var cached) && cached.Key == key && cached.Bucket == bucket)
        {
            return cached;
        }

        var frame = await s3.GetObjectOrNullAsync(bucket, key, cancellationToken);
        if (frame is not null)
        {
            _frames[(station, kind)] = frame;
        }

        return frame;
    }
}
