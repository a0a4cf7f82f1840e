using Microsoft.Extensions.Logging;

namespace MobileX.Coverage.Telemetry;

/// <summary>The coverage model's log events, EventIds 7000–7099 (docs/operations.md).</summary>
internal static partial class CoverageLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Coverage of {Stations} stations over {Window} in {Resolution} slots; reading {Stages} frames as model {Model}")]
    public static partial void Started(ILogger logger, int stations, TimeSpan window, TimeSpan resolution, string stages, string model);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Station {Station} coverage is now {State} (was {PreviousState})")]
    public static partial void StateChanged(ILogger logger, string station, string state, string previousState);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Coverage could not publish its timeline; trying again in {Interval}")]
    public static partial void PublishFailed(ILogger logger, Exception exception, TimeSpan interval);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Coverage feed stopped; starting it again in {Delay}")]
    public static partial void FeedFailed(ILogger logger, Exception exception, TimeSpan delay);
}
