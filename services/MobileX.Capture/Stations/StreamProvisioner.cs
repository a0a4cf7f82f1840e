using Microsoft.Extensions.Options;
using MobileX.Messaging;
using NATS.Client.JetStream;

namespace MobileX.Capture.Stations;

/// <summary>
/// Creates the FRAMES and EVENTS streams through the admin connection, retrying with backoff while NATS is away;
/// stations meanwhile queue and retry their publishes.
/// </summary>
internal sealed class StreamProvisioner(INatsJSContext js, IOptions<StreamOptions> streams, IOptions<CaptureOptions> capture, ILogger<StreamProvisioner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = capture.Value.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(capture.Value.AttemptTimeout);
                await StreamProvisioning.EnsureStreamsAsync(js, streams.Value, timeout.Token).ConfigureAwait(false);
                CaptureLog.Provisioned(logger);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                CaptureLog.ProvisioningRetry(logger, attempt, delay, ex);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, capture.Value.MaxRetryDelay.Ticks));
            }
        }
    }
}
