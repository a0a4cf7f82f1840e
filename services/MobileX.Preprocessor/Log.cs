using Microsoft.Extensions.Logging;

namespace MobileX.Preprocessor;

/// <summary>The worker's log events; EventIds 4000-4099 belong to the preprocessor.</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Information, "Consuming {Subject} from stream {Stream} as durable consumer {Consumer} with {Loops} loops")]
    public static partial void Consuming(ILogger logger, string subject, string stream, string consumer, int loops);

    [LoggerMessage(4001, LogLevel.Debug, "Processed frame {FrameId} of station {StationId} into {Bucket}/{Key} in {ElapsedMs:F1} ms")]
    public static partial void FrameProcessed(ILogger logger, string frameId, string stationId, string bucket, string key, double elapsedMs);

    [LoggerMessage(4002, LogLevel.Information, "Rejected frame {FrameId} of station {StationId}: {Reason} ({Detail})")]
    public static partial void FrameRejected(ILogger logger, string frameId, string stationId, string reason, string detail);

    [LoggerMessage(4003, LogLevel.Warning, "Transient fault on delivery {Delivery}/{MaxDeliver} of stream message {Sequence}; retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, Exception exception, ulong delivery, int maxDeliver, ulong sequence, double delayMs);

    [LoggerMessage(4004, LogLevel.Error, "Dead-lettered stream message {Sequence} on {Subject} after {Deliveries} deliveries: {LastError}")]
    public static partial void DeadLettered(ILogger logger, ulong sequence, string subject, ulong deliveries, string lastError);

    [LoggerMessage(4005, LogLevel.Warning, "Consumer loop {Loop} failed; restarting in {DelayMs} ms")]
    public static partial void LoopFailed(ILogger logger, Exception exception, int loop, double delayMs);

    [LoggerMessage(4006, LogLevel.Warning, "Start-up step failed; retrying in {DelayMs} ms")]
    public static partial void StartupRetry(ILogger logger, Exception exception, double delayMs);
}
