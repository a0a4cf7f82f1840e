using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MobileX.Capture.Stations;

/// <summary>Degraded while any station has stopped on an error, naming it, so the dashboard shows which one.</summary>
internal sealed class CaptureHealthCheck(CaptureStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var faulted = status.Stations.Where(s => s.State == StationState.Faulted).ToList();
        return Task.FromResult(faulted.Count == 0
            ? HealthCheckResult.Healthy($"{status.Stations.Count} stations.")
            : HealthCheckResult.Degraded(string.Join(" ", faulted.Select(s => s.Error))));
    }
}
