using System.Diagnostics;
using Microsoft.Extensions.Options;
using MobileX.Contracts;
using MobileX.Coverage.Telemetry;
using MobileX.Feeds;
using MobileX.Messaging;
using NATS.Client.Core;

namespace MobileX.Coverage.Timeline;

/// <summary>
/// Reads every station's outcomes through the model's <see cref="FrameFeed"/> into the timeline. No NATS or S3 code
/// of its own: the feed gives it the lake's last window, then the stream, and it acks each frame once counted.
/// </summary>
public sealed class CoverageWorker(FrameFeed feed, CoverageTimelineBuilder timeline, TimeProvider time, ILogger<CoverageWorker> logger) : BackgroundService
{
    public static readonly ActivitySource Source = new("MobileX.Coverage");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Each read starts over from the lake's window (Feeds:Resume is off), so counts start over too.
                timeline.Reset();
                await foreach (var frame in feed.ReadAsync(stoppingToken))
                {
                    // Live frames carry their trace: the model's step shows in the frame's trace from capture on.
                    using (frame.Origin == FeedOrigin.Live ? Source.StartActivity("coverage observe", ActivityKind.Consumer, frame.Trace) : null)
                    {
                        timeline.Observe(frame.Station, frame.Stage, frame.CapturedAt);
                    }

                    await frame.AckAsync(stoppingToken);
                    delay = TimeSpan.FromSeconds(1);
                }

                return; // A selection with an end: nothing more to read.
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // NATS or S3 away at start or mid-read: the feed resumes from where its consumers are.
                CoverageLog.FeedFailed(logger, ex, delay);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}

/// <summary>
/// Publishes the timeline every <see cref="CoverageOptions.PublishInterval"/> on <c>mobilex.models.coverage.timeline</c>,
/// and each station's change of state on <c>mobilex.models.coverage.stations.NN.changed</c>: core NATS, under the
/// model's own prefix, the only subjects its NATS user may publish to.
/// </summary>
public sealed class TimelinePublisher(INatsConnection nats, CoverageTimelineBuilder timeline, IOptions<CoverageOptions> options, TimeProvider time,
    ILogger<TimelinePublisher> logger) : BackgroundService
{
    private readonly Dictionary<StationId, string> _states = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PublishInterval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await PublishAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CoverageLog.PublishFailed(logger, ex, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task PublishAsync(CancellationToken cancellationToken)
    {
        var snapshot = timeline.Snapshot(time.GetUtcNow());
        await nats.PublishAsync(Subjects.CoverageTimeline, snapshot, serializer: ContractSerializers.For<CoverageTimeline>(), cancellationToken: cancellationToken);
        foreach (var station in snapshot.Stations)
        {
            var previous = _states.GetValueOrDefault(station.StationId, CoverageStates.Blind);
            if (!_states.ContainsKey(station.StationId) || previous != station.State)
            {
                var since = station.Segments.Count > 0 ? station.Segments[^1].From : snapshot.GeneratedAt;
                await nats.PublishAsync(Subjects.CoverageChanged(station.StationId),
                    new CoverageChanged(station.StationId, station.State, previous, since),
                    serializer: ContractSerializers.For<CoverageChanged>(), cancellationToken: cancellationToken);
                if (previous != station.State)
                {
                    CoverageLog.StateChanged(logger, station.StationId.ToString(), station.State, previous);
                }

                _states[station.StationId] = station.State;
            }
        }
    }
}
