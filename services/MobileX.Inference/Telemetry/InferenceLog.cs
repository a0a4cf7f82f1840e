namespace MobileX.Inference.Telemetry;

/// <summary>The adapter's log events; EventIds 4000-4099.</summary>
internal static partial class InferenceLog
{
    [LoggerMessage(4000, LogLevel.Information, "Inference backend {Backend} ready: {MaxConcurrency} at once, {QueueLimit} may wait, timeout {Timeout}")]
    public static partial void BackendReady(ILogger logger, string backend, int maxConcurrency, int queueLimit, TimeSpan timeout);

    [LoggerMessage(4001, LogLevel.Information, "img2img on {Backend} done in {DurationMs} ms after {QueueWaitMs} ms queued: {Width}x{Height}, style {Style}, seed {Seed}")]
    public static partial void Generated(ILogger logger, string backend, double durationMs, double queueWaitMs, int width, int height, string style, long seed);

    [LoggerMessage(4002, LogLevel.Warning, "img2img rejected with {Status}: {Reason}")]
    public static partial void Rejected(ILogger logger, int status, string reason);

    [LoggerMessage(4003, LogLevel.Warning, "img2img queue full on {Backend} ({QueueLimit} waiting); asked the caller to retry after {RetryAfterSeconds} s")]
    public static partial void QueueFull(ILogger logger, string backend, int queueLimit, int retryAfterSeconds);

    [LoggerMessage(4004, LogLevel.Error, "Backend {Backend} timed out after {Timeout}")]
    public static partial void BackendTimeout(ILogger logger, string backend, TimeSpan timeout);

    [LoggerMessage(4005, LogLevel.Error, "Backend {Backend} failed: {Message}")]
    public static partial void BackendFailed(ILogger logger, Exception exception, string backend, string message);

    [LoggerMessage(4006, LogLevel.Information, "img2img on {Backend} cancelled by the caller after {ElapsedMs} ms")]
    public static partial void Cancelled(ILogger logger, string backend, double elapsedMs);
}
