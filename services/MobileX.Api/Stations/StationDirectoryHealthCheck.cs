using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MobileX.Api.Stations;

/// <summary>
/// Ready only once the station directory has loaded the latest frames from the FRAMES stream: before that a replica
/// would answer "no processed frame yet" for stations that have one, so the gateway must not send it traffic.
/// </summary>
internal sealed class StationDirectoryHealthCheck(StationDirectory directory) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(directory.Ready.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy("Station directory loaded.")
            : HealthCheckResult.Unhealthy("Station directory is still loading the latest frames from the FRAMES stream."));
}
