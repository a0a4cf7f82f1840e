using MobileX.Capture;
using MobileX.Capture.Telemetry;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.Core;

namespace MobileX.Capture.Stations;

/// <summary>
/// Publishes every station's <see cref="StationHealth"/> on <c>mobilex.stations.NN.health</c> each
/// <c>Capture:HealthInterval</c>, through the station's own connection, so the API can show a failing station and why.
/// </summary>
/// <remarks>
/// A report is core NATS, not JetStream: only the newest one matters, and a station whose bus is down cannot report
/// anyway; the API then shows it silent once reports stop arriving.
/// </remarks>
internal sealed class StationHealthReporter(
    CaptureStatus status,
    StationConnections connections,
    IOptions<CaptureOptions> options,
    TimeProvider time,
    ILogger<StationHealthReporter> logger) : BackgroundService
{
    private static readonly INatsSerialize<StationHealth> Serializer = ContractSerializers.For<StationHealth>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.HealthInterval, time);
        var unreported = new HashSet<StationId>();
        try
        {
            do
            {
                foreach (var stats in status.Stations)
                {
                    var health = stats.Health(time.GetUtcNow(), settings.FailingAfter);
                    try
                    {
                        // Bounded, so one station whose bus is down does not hold back the others' reports.
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        timeout.CancelAfter(settings.HealthInterval);
                        await connections.For(stats.Station).Connection.PublishAsync(
                            Subjects.StationHealth(stats.Station), health, serializer: Serializer, cancellationToken: timeout.Token).ConfigureAwait(false);
                        unreported.Remove(stats.Station);
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        // Logged once per outage, not every interval.
                        if (unreported.Add(stats.Station))
                        {
                            CaptureLog.HealthReportFailed(logger, stats.Station, ex);
                        }
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
