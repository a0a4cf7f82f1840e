using Amazon.S3;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Healthy when the store answers an authenticated ListBuckets; the answer names the connection and endpoint.</summary>
internal sealed class S3HealthCheck(IAmazonS3 s3, string connectionName, Uri endpoint) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var buckets = await s3.ListBucketsAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"S3 '{connectionName}' at {endpoint} answered ({buckets.Buckets?.Count ?? 0} buckets).");
        }
        catch (AmazonS3Exception ex)
        {
            return HealthCheckResult.Unhealthy($"S3 '{connectionName}' at {endpoint} refused the request: {ex.StatusCode} {ex.ErrorCode} {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"S3 '{connectionName}' at {endpoint} is unreachable: {ex.Message}", ex);
        }
    }
}
