using MobileX.Contracts;

namespace MobileX.Api.Telemetry;

/// <summary>The API's log events; EventIds 3000-3099.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(3000, LogLevel.Information, "Station directory loaded {Stations} stations from stream {Stream}")]
    public static partial void DirectoryLoaded(ILogger logger, int stations, string stream);

    [LoggerMessage(3001, LogLevel.Warning, "Start-up lookup in stream {Stream} failed; retrying in {Delay}")]
    public static partial void StartupLookupFailed(ILogger logger, Exception exception, string stream, TimeSpan delay);

    [LoggerMessage(3002, LogLevel.Warning, "Ignored a frame event on {Subject} that is not a valid {Kind} message")]
    public static partial void BadFrameEvent(ILogger logger, Exception exception, string subject, string kind);

    [LoggerMessage(3003, LogLevel.Information, "Avatar {AvatarId} created from {SourceBucket}/{SourceKey} by backend {Backend} in {DurationMs} ms")]
    public static partial void AvatarCreated(ILogger logger, AvatarId avatarId, string sourceBucket, string sourceKey, string backend, double durationMs);

    [LoggerMessage(3004, LogLevel.Warning, "Inference refused avatar request: {Status} {Detail}")]
    public static partial void InferenceRefused(ILogger logger, int status, string? detail);

    [LoggerMessage(3005, LogLevel.Error, "Inference adapter unreachable")]
    public static partial void InferenceUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(3006, LogLevel.Warning, "Publishing AvatarCreated for {AvatarId} failed; the avatar is stored")]
    public static partial void AvatarEventFailed(ILogger logger, Exception exception, AvatarId avatarId);

    [LoggerMessage(3007, LogLevel.Information, "Refused to stream {Bucket}/{Key}: {Bytes} bytes is over Api:Lake:MaxObjectBytes {MaxBytes}")]
    public static partial void LakeObjectTooLarge(ILogger logger, string bucket, string key, long bytes, long maxBytes);

    [LoggerMessage(3008, LogLevel.Warning, "Download of {Bucket}/{Key} broke off after {SentBytes} of {Bytes} bytes: the store's stream failed")]
    public static partial void LakeDownloadBroken(ILogger logger, Exception exception, string bucket, string key, long sentBytes, long bytes);

    [LoggerMessage(3009, LogLevel.Debug, "Presigned GET of {Bucket}/{Key} for {Endpoint}, valid until {ExpiresAt}")]
    public static partial void LakePresigned(ILogger logger, string bucket, string key, Uri endpoint, DateTimeOffset expiresAt);

    [LoggerMessage(3010, LogLevel.Information, "Presigned lake URLs are signed for {Endpoint}")]
    public static partial void LakeSigningEndpoint(ILogger logger, Uri endpoint);

    [LoggerMessage(3011, LogLevel.Warning, "Ignored a coverage snapshot on {Subject} that is not a valid CoverageTimeline")]
    public static partial void BadCoverageSnapshot(ILogger logger, Exception exception, string subject);

    [LoggerMessage(3012, LogLevel.Information, "Coverage model reported: {Stations} stations over {Window}, generated at {GeneratedAt}")]
    public static partial void CoverageFirstSnapshot(ILogger logger, int stations, TimeSpan window, DateTimeOffset generatedAt);

    [LoggerMessage(3013, LogLevel.Warning, "Refused a {Kind} event on {Subject}: {Reason} ({Detail}); it names nothing this API will serve")]
    public static partial void RefusedEvent(ILogger logger, string subject, string kind, string reason, string detail);

    [LoggerMessage(3014, LogLevel.Warning, "Refused to read {Bucket}/{Key} as station {StationId}'s latest {Kind} frame: it is not that station's frame object")]
    public static partial void RefusedFrameRead(ILogger logger, string bucket, string key, string stationId, string kind);
}
