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
                return HealthCheckResult.Degraded($"NATS '{connectionName}' is {connection.ConnectionState}.");
            default:
                try
                {
                    // The first check after start-up opens the connection; with RetryOnInitialConnect this returns
                    // while the client keeps retrying in the background, so the state decides.
                    await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
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
