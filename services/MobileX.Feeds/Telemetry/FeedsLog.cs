using Microsoft.Extensions.Logging;

namespace MobileX.Feeds.Telemetry;

/// <summary>The feed's log events, EventIds 9300–9399 (docs/operations.md).</summary>
internal static partial class FeedsLog
{
    [LoggerMessage(EventId = 9301, Level = LogLevel.Information, Message = "Feed of model {Model} starts over: {Why}; hand-over at {HandoverAt}")]
    public static partial void Starting(ILogger logger, string model, string why, DateTimeOffset handoverAt);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Information, Message = "Feed of model {Model} resumes: backfill {BackfillState}, hand-over at {HandoverAt}, {Cursors} cursors")]
    public static partial void Resuming(ILogger logger, string model, string backfillState, DateTimeOffset handoverAt, int cursors);

    [LoggerMessage(EventId = 9303, Level = LogLevel.Information, Message = "Feed of model {Model} read {Frames} frames from the lake ({Overlap} also expected live); following the stream from {HandoverAt}")]
    public static partial void BackfillRead(ILogger logger, string model, long frames, int overlap, DateTimeOffset handoverAt);

    [LoggerMessage(EventId = 9304, Level = LogLevel.Warning, Message = "Feed of model {Model} dead-lettered stream message {Sequence} on {Subject}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string model, ulong sequence, string subject, string reason);

    [LoggerMessage(EventId = 9305, Level = LogLevel.Warning, Message = "Feed of model {Model} could not save its checkpoint; retrying at the next interval")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string model);

    [LoggerMessage(EventId = 9306, Level = LogLevel.Information, Message = "Feed of model {Model} finished its backfill: every lake frame acked")]
    public static partial void BackfillDone(ILogger logger, string model);

    [LoggerMessage(EventId = 9307, Level = LogLevel.Warning, Message = "Feed of model {Model}: consumer {Consumer} failed; consuming again in {Delay}")]
    public static partial void ConsumeFailed(ILogger logger, Exception exception, string model, string consumer, TimeSpan delay);
}
