using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace MobileX.Hosting.Nats;

/// <summary>
/// Open = Healthy, Connecting/Reconnecting = Degraded, Closed = try to connect (Unhealthy on failure), as in
/// Aspire.Hosting.Nats; every answer names the resource so the dashboard and log say which server is the problem.
/// </summary>
internal sealed class NatsServerHealthCheck(string resourceName, Func<NATS.Client.Core.NatsConnection?> connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connection() is not { } nats)
        {
            return HealthCheckResult.Unhealthy($"NATS '{resourceName}' has no connection string yet.");
        }

        switch (nats.ConnectionState)
        {
            case NatsConnectionState.Open:
                return HealthCheckResult.Healthy($"NATS '{resourceName}' is open (server {nats.ServerInfo?.Version}).");
            case NatsConnectionState.Connecting:
            case NatsConnectionState.Reconnecting:
                return HealthCheckResult.Degraded($"NATS '{resourceName}' is {nats.ConnectionState}.");
            default:
                try
                {
                    await nats.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
                    return HealthCheckResult.Healthy($"NATS '{resourceName}' is open (server {nats.ServerInfo?.Version}).");
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return HealthCheckResult.Unhealthy($"NATS '{resourceName}' refused or is unreachable: {ex.Message}", ex);
                }
        }
    }
}
