namespace MobileX.Gateway.Telemetry;

/// <summary>The gateway's log events; EventIds 5000-5099.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(5000, LogLevel.Warning, "Destination {Destination} failed for {Method} {Path} ({Error}); retrying on another replica")]
    public static partial void Retrying(ILogger logger, string destination, string method, string path, string error);

    [LoggerMessage(5001, LogLevel.Information, "Rate limit hit on {Path} by {Client}; retry after {RetryAfter}")]
    public static partial void RateLimited(ILogger logger, string path, string client, TimeSpan retryAfter);
}
