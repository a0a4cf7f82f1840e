using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Opens the NATS connection at start-up instead of on first use, and logs every state change with the connection's
/// name and server, so a NATS that is down, refuses the credentials or drops the connection shows in the log at once
/// (the client keeps retrying with backoff meanwhile).
/// </summary>
internal sealed partial class NatsConnectionMonitor(NatsConnection connection, string connectionName, ILogger<NatsConnectionMonitor> logger) : IHostedService
{
    private readonly string _server = NatsClientExtensions.Redact(connection.Opts.Url);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.ConnectionOpened += OnOpened;
        connection.ConnectionDisconnected += OnDisconnected;
        connection.ReconnectFailed += OnReconnectFailed;
        _ = ConnectInBackgroundAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        connection.ConnectionOpened -= OnOpened;
        connection.ConnectionDisconnected -= OnDisconnected;
        connection.ReconnectFailed -= OnReconnectFailed;
        return Task.CompletedTask;
    }

    private async Task ConnectInBackgroundAsync()
    {
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            ConnectFailed(logger, connectionName, _server, ex.Message);
        }
    }

    private ValueTask OnOpened(object? sender, NatsEventArgs args)
    {
        Connected(logger, connectionName, _server);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnDisconnected(object? sender, NatsEventArgs args)
    {
        Disconnected(logger, connectionName, _server, args.Message);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnReconnectFailed(object? sender, NatsEventArgs args)
    {
        ConnectFailed(logger, connectionName, _server, args.Message);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "NATS '{ConnectionName}' connected to {Server}")]
    private static partial void Connected(ILogger logger, string connectionName, string server);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "NATS '{ConnectionName}' disconnected from {Server}: {Reason}; reconnecting with backoff")]
    private static partial void Disconnected(ILogger logger, string connectionName, string server, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "NATS '{ConnectionName}' cannot connect to {Server}: {Reason}; retrying with backoff")]
    private static partial void ConnectFailed(ILogger logger, string connectionName, string server, string reason);
}
