using Amazon.S3;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Checks the store once at start-up and retries with exponential backoff until it answers, logging each failure
/// with the connection name, endpoint and the store's own error (e.g. InvalidAccessKeyId for wrong credentials).
/// </summary>
internal sealed partial class S3StartupProbe(IAmazonS3 s3, string connectionName, Uri endpoint, ILogger<S3StartupProbe> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await s3.ListBucketsAsync(stoppingToken).ConfigureAwait(false);
                Reachable(logger, connectionName, endpoint);
                return;
            }
            catch (AmazonS3Exception ex)
            {
                Refused(logger, connectionName, endpoint, (int)ex.StatusCode, ex.ErrorCode ?? "error", ex.Message, attempt, delay);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Unreachable(logger, connectionName, endpoint, ex.Message, attempt, delay);
            }

            try
            {
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "S3 '{ConnectionName}' at {Endpoint} is reachable")]
    private static partial void Reachable(ILogger logger, string connectionName, Uri endpoint);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Error, Message = "S3 '{ConnectionName}' at {Endpoint} refused the request ({StatusCode} {ErrorCode}: {Reason}); attempt {Attempt}, retrying in {Delay}")]
    private static partial void Refused(ILogger logger, string connectionName, Uri endpoint, int statusCode, string errorCode, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "S3 '{ConnectionName}' at {Endpoint} is unreachable ({Reason}); attempt {Attempt}, retrying in {Delay}")]
    private static partial void Unreachable(ILogger logger, string connectionName, Uri endpoint, string reason, int attempt, TimeSpan delay);
}
