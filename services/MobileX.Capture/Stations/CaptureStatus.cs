using System.Collections.Concurrent;
using MobileX.Contracts;

namespace MobileX.Capture.Stations;

public enum StationState
{
    Starting,
    Running,
    Completed,
    Faulted,
}

/// <summary>
/// One station's counts. A frame is captured once and then either published or dropped from the queue (never
/// stored), so when a station has stopped, <c>Captured == Published + Dropped</c>.
/// </summary>
public sealed class StationStats(StationId station)
{
    private long _captured;
    private long _stored;
    private long _published;
    private long _dropped;
    private long _skipped;
    private long _failingSinceTicks;
    private long _lastPublishedTicks;
    private string? _lastFailure;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StationId Station { get; } = station;
    public long Captured => Interlocked.Read(ref _captured);
    public long Stored => Interlocked.Read(ref _stored);
    public long Published => Interlocked.Read(ref _published);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Skipped => Interlocked.Read(ref _skipped);
    public StationState State { get; private set; } = StationState.Starting;

    /// <summary>Why the station stopped, when it faulted; names the station and its source.</summary>
    public string? Error { get; private set; }

    /// <summary>Completes when the station has stopped and its queue is drained.</summary>
    public Task Stopped => _stopped.Task;

    internal void OnCaptured() => Interlocked.Increment(ref _captured);
    internal void OnStored() => Interlocked.Increment(ref _stored);
    /// <summary>A frame reached the bus: the station delivers again, whatever failed before.</summary>
    internal void OnPublished(DateTimeOffset now)
    {
        Interlocked.Increment(ref _published);
        Interlocked.Exchange(ref _lastPublishedTicks, now.UtcTicks);
        Interlocked.Exchange(ref _failingSinceTicks, 0);
    }

    /// <summary>
    /// A store or publish attempt failed. The station counts as failing from its first failure after the last
    /// published frame, so a frame that was stored but cannot be announced keeps the clock running.
    /// </summary>
    internal void OnDeliveryFailed(string operation, string reason, DateTimeOffset now)
    {
        Volatile.Write(ref _lastFailure, $"cannot {operation} frames: {reason}");
        Interlocked.CompareExchange(ref _failingSinceTicks, now.UtcTicks, 0);
    }

    /// <summary>Frames captured but not yet published or dropped: the queue plus the one being delivered.</summary>
    public int Queued => (int)Math.Max(0, Captured - Published - Dropped);

    /// <summary>
    /// The station's health at <paramref name="now"/>: stopped when its source failed, failing when it has not
    /// delivered a frame for <paramref name="failingAfter"/> or longer, else ok. The reason names the station.
    /// </summary>
    public StationHealth Health(DateTimeOffset now, TimeSpan failingAfter)
    {
        var since = Interlocked.Read(ref _failingSinceTicks);
        var published = Interlocked.Read(ref _lastPublishedTicks);
        DateTimeOffset? failingSince = since == 0 ? null : new DateTimeOffset(since, TimeSpan.Zero);
        DateTimeOffset? lastPublished = published == 0 ? null : new DateTimeOffset(published, TimeSpan.Zero);
        var (state, reason) = State switch
        {
            StationState.Faulted => (StationHealthStates.Stopped, Error),
            _ when failingSince is { } start && now - start >= failingAfter =>
                (StationHealthStates.Failing,
                    $"Station {Station} has delivered no frame for {(now - start).TotalSeconds:0} s: {Volatile.Read(ref _lastFailure)}"),
            _ => (StationHealthStates.Ok, (string?)null),
        };
        return new StationHealth(Station, state, reason, failingSince, lastPublished, Queued, Dropped, now);
    }
    internal void OnDropped() => Interlocked.Increment(ref _dropped);
    internal void OnSkipped() => Interlocked.Increment(ref _skipped);
    internal void OnRunning() => State = StationState.Running;

    internal void OnStopped(string? error)
    {
        Error = error;
        State = error is null ? StationState.Completed : StationState.Faulted;
        _stopped.TrySetResult();
    }

    public override string ToString() =>
        $"station {Station}: {State}, captured {Captured}, stored {Stored}, published {Published}, dropped {Dropped}, skipped {Skipped}{(Error is null ? "" : ", " + Error)}";
}

/// <summary>Every station of this process and its counts; read by the health check, tests and the benchmark.</summary>
public sealed class CaptureStatus
{
    private readonly ConcurrentDictionary<StationId, StationStats> _stations = new();

    public IReadOnlyCollection<StationStats> Stations => [.. _stations.Values.OrderBy(s => s.Station)];

    public StationStats For(StationId station) => _stations.GetOrAdd(station, s => new StationStats(s));

    /// <summary>Completes when every registered station has stopped.</summary>
    public Task WhenAllStopped() => Task.WhenAll(_stations.Values.Select(s => s.Stopped));
}
