using MobileX.Contracts;

namespace MobileX.Capture.Telemetry;

/// <summary>The capture service's log events (EventIds 1000-1099, docs/operations.md).</summary>
internal static partial class CaptureLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Station {Station} capturing from {Source} at {FramesPerSecond} fps, {Width}x{Height}, queue {QueueCapacity}")]
    public static partial void StationStarted(ILogger logger, StationId station, string source, double framesPerSecond, int width, int height, int queueCapacity);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Station {Station} stopped: {Reason}")]
    public static partial void StationFaulted(ILogger logger, StationId station, string reason, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Station {Station} stopped: captured {Captured}, published {Published}, dropped {Dropped}")]
    public static partial void StationStopped(ILogger logger, StationId station, long captured, long published, long dropped);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Station {Station} could not {Operation} frame {FrameId} (attempt {Attempt}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, StationId station, string operation, FrameId frameId, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Station {Station} skipped image {Path}: it cannot be decoded")]
    public static partial void ImageSkipped(ILogger logger, StationId station, string path);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Station {Station} queue full: dropped frame {FrameId} (sequence {Sequence}); {Dropped} dropped so far")]
    public static partial void FrameDropped(ILogger logger, StationId station, FrameId frameId, long sequence, long dropped);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Station {Station} shut down with {Remaining} frames still queued after draining for {DrainTimeout}; counted as dropped")]
    public static partial void DrainAbandoned(ILogger logger, StationId station, int remaining, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Station {Station} publishes as NATS user {User}")]
    public static partial void StationIdentity(ILogger logger, StationId station, string user);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Station {Station} could not publish its health report; it shows as silent until reports arrive again")]
    public static partial void HealthReportFailed(ILogger logger, StationId station, Exception exception);

    // 1050-1059: the station's S3 identity and the local retention sweep.
    [LoggerMessage(EventId = 1050, Level = LogLevel.Information, Message = "Station {Station} writes to S3 as {AccessKey}")]
    public static partial void StationS3Identity(ILogger logger, StationId station, string accessKey);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Information, Message = "Retention sweep deleted {Deleted} objects older than {Days} days from {Bucket}")]
    public static partial void RetentionSwept(ILogger logger, string bucket, int days, int deleted);

    [LoggerMessage(EventId = 1052, Level = LogLevel.Warning, Message = "Retention sweep of {Bucket} failed; it is tried again next interval")]
    public static partial void RetentionSweepFailed(ILogger logger, string bucket, Exception exception);

    [LoggerMessage(EventId = 1053, Level = LogLevel.Information, Message = "Retention sweep on every {Interval}: stations {StationsDays} days, processed {ProcessedDays}, avatars {AvatarsDays} (0 keeps for ever); s3rver has no lifecycle rules")]
    public static partial void RetentionSweepStarted(ILogger logger, TimeSpan interval, int stationsDays, int processedDays, int avatarsDays);
}
