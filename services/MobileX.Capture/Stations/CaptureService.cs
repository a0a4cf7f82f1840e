using MobileX.Capture;
using MobileX.Capture.Telemetry;
using Microsoft.Extensions.Options;
using MobileX.Capture.Sources;
using MobileX.Contracts;
using MobileX.Resilience;

namespace MobileX.Capture.Stations;

/// <summary>Runs every configured station side by side; a station whose source fails stops alone.</summary>
internal sealed class CaptureService : BackgroundService
{
    private readonly IOptions<CaptureOptions> options;
    private readonly IOptionsMonitor<RetryOptions> retry;
    private readonly StationConnections connections;
    private readonly StationS3Clients s3;
    private readonly CaptureMetrics metrics;
    private readonly CaptureStatus status;
    private readonly TimeProvider time;
    private readonly ILogger<CaptureService> logger;

    public CaptureService(IOptions<CaptureOptions> options, IOptionsMonitor<RetryOptions> retry, StationConnections connections, StationS3Clients s3,
        CaptureMetrics metrics, CaptureStatus status, TimeProvider time, ILogger<CaptureService> logger)
    {
        this.retry = retry;
        (this.options, this.connections, this.s3, this.metrics, this.status, this.time, this.logger) = (options, connections, s3, metrics, status, time, logger);
        // Registered before the host starts (ExecuteAsync runs in the background), so whoever waits on the
        // status right after start-up sees every station.
        foreach (var station in StationSelection.Resolve(options.Value))
        {
            status.For(station);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var stations = StationSelection.Resolve(settings);
        return Task.WhenAll(stations.Select(station => Task.Run(() => RunStationAsync(station, settings, stoppingToken), CancellationToken.None)));
    }

    private async Task RunStationAsync(StationId station, CaptureOptions settings, CancellationToken stoppingToken)
    {
        var stats = status.For(station);
        try
        {
            using var source = FrameSourceFactory.Open(station, settings, path =>
            {
                stats.OnSkipped();
                metrics.Skipped(station);
                CaptureLog.ImageSkipped(logger, station, path);
            });
            CaptureLog.StationStarted(logger, station, source.Description, settings.FramesPerSecond, settings.Width, settings.Height, settings.QueueCapacity);
            stats.OnRunning();
            var runner = new StationRunner(station, source, connections.For(station), s3.For(station), settings, retry.Get(CaptureOptions.SectionName), metrics, stats, logger, time);
            await runner.RunAsync(stoppingToken).ConfigureAwait(false);
            CaptureLog.StationStopped(logger, station, stats.Captured, stats.Published, stats.Dropped);
            stats.OnStopped(null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            var reason = ex is FrameSourceException ? ex.Message : $"Station {station} failed: {ex.Message}";
            CaptureLog.StationFaulted(logger, station, reason, ex);
            stats.OnStopped(reason);
        }
        catch (OperationCanceledException)
        {
            stats.OnStopped(null);
        }
    }
}
