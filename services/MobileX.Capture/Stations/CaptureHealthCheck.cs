using MobileX.Capture;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MobileX.Contracts;

namespace MobileX.Capture.Stations;

/// <summary>
/// Degraded while any station has stopped on an error or has delivered no frame for <c>Capture:FailingAfter</c>,
/// naming each such station and why, so the dashboard says which one and what to fix.
/// </summary>
internal sealed class CaptureHealthCheck(CaptureStatus status, IOptions<CaptureOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var unwell = status.Stations
            .Select(s => s.Health(now, options.Value.FailingAfter))
            .Where(h => h.State != StationHealthStates.Ok)
            .ToList();
        return Task.FromResult(unwell.Count == 0
            ? HealthCheckResult.Healthy($"{status.Stations.Count} stations.")
            : HealthCheckResult.Degraded(string.Join(" ", unwell.Select(h => h.Reason))));
    }
}
