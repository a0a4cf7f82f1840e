using System.Diagnostics;
using MobileX.Contracts;

namespace MobileX.Api.Stations;

/// <summary>
/// One station's counts, latest frames and last health report, fed by <see cref="StationDirectory"/> from the live
/// subjects (<c>live</c>: counted) and from the start-up seed (not counted again: the seed brings the stream's counts).
/// Thread-safe: every member takes the station's lock.
/// </summary>
internal sealed class StationState(StationId id)
{
    private static readonly TimeSpan FpsWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _recent = new();
    private long _raw;
    private long _processed;
    private long _rejected;
    private DateTimeOffset? _lastFrameAt;
    private DateTimeOffset? _lastOutcomeCapturedAt;
    private StationHealth? _health;
    private DateTimeOffset _healthReceivedAt;

    public StationId Id { get; } = id;

    public FrameCaptured? LatestRaw { get; private set; }

    public FrameProcessed? LatestProcessed { get; private set; }

    /// <summary>The trace of <see cref="LatestProcessed"/>; default when it was seeded from the stream.</summary>
    public ActivityContext LatestProcessedTrace { get; private set; }

    /// <summary>Adds the stream's per-subject counts, read once at start-up.</summary>
    public void Seed(long raw, long processed, long rejected)
    {
        lock (_gate)
        {
            _raw += raw;
            _processed += processed;
            _rejected += rejected;
        }
    }

    /// <param name="latest">False for an event refused by its subject check: it counts, but names no frame to serve.</param>
    public void Observe(FrameCaptured? frame, TimeProvider time, bool live = true, bool latest = true)
    {
        if (frame is null)
        {
            return;
        }

        lock (_gate)
        {
            if (live)
            {
                _raw++;
                _recent.Enqueue(time.GetUtcNow());
                Trim(time.GetUtcNow());
            }

            if (latest && (LatestRaw is null || frame.CapturedAt >= LatestRaw.CapturedAt))
            {
                LatestRaw = frame;
                _lastFrameAt = frame.CapturedAt;
            }
        }
    }

    public void Observe(FrameProcessed? frame, bool live = true, ActivityContext trace = default)
    {
        if (frame is null)
        {
            return;
        }

        lock (_gate)
        {
            OnOutcome(ref _processed, live, frame.CapturedAt);
            if (LatestProcessed is null || frame.CapturedAt >= LatestProcessed.CapturedAt)
            {
                LatestProcessed = frame;
                LatestProcessedTrace = trace;
            }
        }
    }

    public void Observe(FrameRejected? frame, bool live = true)
    {
        if (frame is null)
        {
            return;
        }

        lock (_gate)
        {
            OnOutcome(ref _rejected, live, frame.CapturedAt);
        }
    }

    public void Observe(StationHealth report, DateTimeOffset receivedAt)
    {
        lock (_gate)
        {
            _health = report;
            _healthReceivedAt = receivedAt;
        }
    }

    public StationStatus Status(TimeProvider time, TimeSpan silentAfter)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Trim(now);
            var lagFrames = Math.Max(0, _raw - _processed - _rejected);
            var lagSeconds = lagFrames > 0 && LatestRaw is { } raw
                ? Math.Max(0, (raw.CapturedAt - (_lastOutcomeCapturedAt ?? raw.CapturedAt)).TotalSeconds)
                : 0;
            var (health, reason) = _health switch
            {
                null => (StationHealthStates.Unknown, (string?)null),
                _ when now - _healthReceivedAt > silentAfter =>
                    (StationHealthStates.Silent, $"Station {Id} has sent no health report for {(now - _healthReceivedAt).TotalSeconds:0} s; its capture or its bus connection is down."),
                { } report => (report.State, report.Reason),
            };
            return new StationStatus(Id, _lastFrameAt, _recent.Count / FpsWindow.TotalSeconds, _raw, _processed, _rejected,
                LatestRaw?.Key, LatestProcessed?.Key, health, reason, lagFrames, lagSeconds);
        }
    }

    /// <summary>Counts a live outcome (processed or rejected) and keeps the newest outcome's capture time; under the lock.</summary>
    private void OnOutcome(ref long count, bool live, DateTimeOffset capturedAt)
    {
        if (live)
        {
            count++;
        }

        if (_lastOutcomeCapturedAt is null || capturedAt > _lastOutcomeCapturedAt)
        {
            _lastOutcomeCapturedAt = capturedAt;
        }
    }

    private void Trim(DateTimeOffset now)
    {
        while (_recent.TryPeek(out var t) && now - t > FpsWindow)
        {
            _recent.Dequeue();
        }
    }
}
