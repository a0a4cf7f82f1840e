using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Microsoft.Extensions.Hosting;

/// <summary>Reports the NATS connection state the way Aspire.NATS.Net does, naming the connection in every answer.</summary>
internal sealed class NatsHealthCheck(INatsConnection connection, string connectionName) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        switch (connection.ConnectionState)
        {
            case NatsConnectionState.Open:
                return HealthCheckResult.Healthy($"NATS '{connectionName}' connected to {connection.ServerInfo?.Host}:{connection.ServerInfo?.Port}.");
            case NatsConnectionState.Connecting:
            case NatsConnectionState.Reconnecting:
                // Aspire.NATS.Net calls this Degraded, which readiness probes treat as ready. A service that cannot
                // publish is not ready, so MobileX reports it Unhealthy while the client retries.
                return HealthCheckResult.Unhealthy($"NATS '{connectionName}' is {connection.ConnectionState} (server unreachable or refusing; retrying).");
            default:
                try
                {
                    // Normally NatsConnectionMonitor has opened the connection already; a short wait keeps the
                    // check's answer prompt while the client goes on retrying in the background.
                    await connection.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                    return connection.ConnectionState == NatsConnectionState.Open
                        ? HealthCheckResult.Healthy($"NATS '{connectionName}' connected.")
                        : HealthCheckResult.Unhealthy($"NATS '{connectionName}' is {connection.ConnectionState}.");
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return HealthCheckResult.Unhealthy($"NATS '{connectionName}' cannot connect: {ex.Message}", ex);
                }
        }
    }
}
