using Amazon.S3;
using Microsoft.Extensions.Logging;
using MobileX.Resilience;
using Polly;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Checks the store once at start-up and retries with exponential backoff (<see cref="RetryOptionsSection"/>) until
/// it answers, logging each failure with the connection name, endpoint and the store's own error (e.g.
/// InvalidAccessKeyId for wrong credentials).
/// </summary>
internal sealed partial class S3StartupProbe : BackgroundService
{
    /// <summary>Where the probe's delays are set: first 1 s, doubling up to 30 s.</summary>
    public const string RetryOptionsSection = "Aspire:Minio:Client:Startup";

    private readonly IAmazonS3 _s3;
    private readonly string _connectionName;
    private readonly Uri _endpoint;
    private readonly ILogger<S3StartupProbe> _logger;
    private readonly ResiliencePipeline _retry;

    public S3StartupProbe(IAmazonS3 s3, string connectionName, Uri endpoint, RetryOptions retry, ILogger<S3StartupProbe> logger)
    {
        (_s3, _connectionName, _endpoint, _logger) = (s3, connectionName, endpoint, logger);
        // Any failure is retried, a client-side timeout too; only shutdown ends the probe early.
        _retry = RetryPipeline.Create(retry, OnRetry, static _ => true);
    }

    /// <summary>The probe's defaults, before <see cref="RetryOptionsSection"/> is applied.</summary>
    public static void Defaults(RetryOptions options)
    {
        options.RetryDelay = TimeSpan.FromSeconds(1);
        options.MaxRetryDelay = TimeSpan.FromSeconds(30);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _retry.ExecuteAsync(async ct => await _s3.ListBucketsAsync(ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
            Reachable(_logger, _connectionName, _endpoint);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shut down before the store answered.
        }
    }

    private void OnRetry(RetryAttempt retry)
    {
        if (retry.Exception is AmazonS3Exception ex)
        {
            Refused(_logger, _connectionName, _endpoint, (int)ex.StatusCode, ex.ErrorCode ?? "error", ex.Message, retry.Attempt, retry.Delay);
        }
        else
        {
            Unreachable(_logger, _connectionName, _endpoint, retry.Exception.Message, retry.Attempt, retry.Delay);
        }
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "S3 '{ConnectionName}' at {Endpoint} is reachable")]
    private static partial void Reachable(ILogger logger, string connectionName, Uri endpoint);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Error, Message = "S3 '{ConnectionName}' at {Endpoint} refused the request ({StatusCode} {ErrorCode}: {Reason}); attempt {Attempt}, retrying in {Delay}")]
    private static partial void Refused(ILogger logger, string connectionName, Uri endpoint, int statusCode, string errorCode, string reason, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "S3 '{ConnectionName}' at {Endpoint} is unreachable ({Reason}); attempt {Attempt}, retrying in {Delay}")]
    private static partial void Unreachable(ILogger logger, string connectionName, Uri endpoint, string reason, int attempt, TimeSpan delay);
}
