using Microsoft.Extensions.Logging;

namespace MobileX.Preprocessor.Telemetry;

/// <summary>The preprocessor's log events; EventIds 2000-2099 belong to the preprocessor.</summary>
internal static partial class PreprocessorLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Consuming {Subject} from stream {Stream} as durable consumer {Consumer} with {Loops} loops")]
    public static partial void Consuming(ILogger logger, string subject, string stream, string consumer, int loops);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Processed frame {FrameId} of station {StationId} into {Bucket}/{Key} in {ElapsedMs:F1} ms")]
    public static partial void FrameProcessed(ILogger logger, string frameId, string stationId, string bucket, string key, double elapsedMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Rejected frame {FrameId} of station {StationId}: {Reason} ({Detail})")]
    public static partial void FrameRejected(ILogger logger, string frameId, string stationId, string reason, string detail);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Transient fault on delivery {Delivery}/{MaxDeliver} of stream message {Sequence}; retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, Exception exception, ulong delivery, int maxDeliver, ulong sequence, double delayMs);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Dead-lettered stream message {Sequence} on {Subject} after {Deliveries} deliveries: {LastError}")]
    public static partial void DeadLettered(ILogger logger, ulong sequence, string subject, ulong deliveries, string lastError);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Consumer loop {Loop} failed; restarting in {DelayMs} ms")]
    public static partial void LoopFailed(ILogger logger, Exception exception, int loop, double delayMs);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Start-up step failed; retrying in {DelayMs} ms")]
    public static partial void StartupRetry(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Refused frame event {FrameId} on {Subject} (station {StationId}): {Reason} ({Detail}); nothing was read")]
    public static partial void ForgedEvent(ILogger logger, string frameId, string stationId, string subject, string reason, string detail);
}
