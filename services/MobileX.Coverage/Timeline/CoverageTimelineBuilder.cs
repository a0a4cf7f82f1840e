using MobileX.Contracts;

namespace MobileX.Coverage.Timeline;

/// <summary>
/// Per station, what it could tell about its place over time, in fixed slots by capture time: a bust in the slot means
/// a person was <c>seen</c>; only rejected frames mean the place was watched and <c>empty</c>; no frame at all means
/// the station was <c>blind</c>. Built from capture times, so history from the lake and live frames land alike and
/// frames that arrive late still fall into their own slot. Thread-safe.
/// </summary>
public sealed class CoverageTimelineBuilder(CoverageOptions options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StationId, StationSlots> _stations = StationId.Range(options.StationCount).ToDictionary(s => s, _ => new StationSlots());

    /// <summary>Forgets every frame: the feed is about to deliver the window again from the lake.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (var station in _stations.Keys.ToList())
            {
                _stations[station] = new StationSlots();
            }
        }
    }

    public void Observe(StationId station, FrameStage stage, DateTimeOffset capturedAt)
    {
        if (stage == FrameStage.Raw)
        {
            return; // Only outcomes say what was in the frame.
        }

        var slot = capturedAt.UtcTicks / options.Resolution.Ticks;
        lock (_lock)
        {
            if (!_stations.TryGetValue(station, out var slots))
            {
                _stations[station] = slots = new StationSlots();
            }

            slots.Add(slot, stage == FrameStage.Processed, capturedAt);
        }
    }

    /// <summary>The timeline over the window ending at <paramref name="now"/>; the slot <paramref name="now"/> falls in is still filling.</summary>
    public CoverageTimeline Snapshot(DateTimeOffset now)
    {
        var resolution = options.Resolution.Ticks;
        var last = now.UtcTicks / resolution;
        var first = last - (options.Window.Ticks / resolution) + 1;
        var stations = new List<StationCoverage>();
        lock (_lock)
        {
            foreach (var (station, slots) in _stations.OrderBy(s => s.Key))
            {
                slots.Forget(first);
                var segments = new List<CoverageSegment>();
                for (var slot = first; slot <= last; slot++)
                {
                    var (processed, rejected) = slots.Counts(slot);
                    var state = processed > 0 ? CoverageStates.Seen : rejected > 0 ? CoverageStates.Empty : CoverageStates.Blind;
                    var from = new DateTimeOffset(slot * resolution, TimeSpan.Zero);
                    var to = slot == last ? now : from.AddTicks(resolution);
                    if (segments.Count > 0 && segments[^1].State == state)
                    {
                        var previous = segments[^1];
                        segments[^1] = previous with { To = to, Processed = previous.Processed + processed, Rejected = previous.Rejected + rejected };
                    }
                    else
                    {
                        segments.Add(new CoverageSegment(state, from, to, processed, rejected));
                    }
                }

                stations.Add(new StationCoverage(station, CurrentState(slots, last), slots.LastFrameAt, segments));
            }
        }

        return new CoverageTimeline(now, options.Window, stations);
    }

    // The slot still filling says little on its own: a station is blind now only when the previous slot had no frame either.
    private static string CurrentState(StationSlots slots, long last)
    {
        var (processed, rejected) = slots.Counts(last);
        if (processed == 0 && rejected == 0)
        {
            (processed, rejected) = slots.Counts(last - 1);
        }

        return processed > 0 ? CoverageStates.Seen : rejected > 0 ? CoverageStates.Empty : CoverageStates.Blind;
    }

    private sealed class StationSlots
    {
        private readonly SortedDictionary<long, (int Processed, int Rejected)> _slots = [];

        public DateTimeOffset? LastFrameAt { get; private set; }

        public void Add(long slot, bool processed, DateTimeOffset capturedAt)
        {
            var (p, r) = _slots.GetValueOrDefault(slot);
            _slots[slot] = processed ? (p + 1, r) : (p, r + 1);
            if (LastFrameAt is not { } lastAt || capturedAt > lastAt)
            {
                LastFrameAt = capturedAt;
            }
        }

        public (int Processed, int Rejected) Counts(long slot) => _slots.GetValueOrDefault(slot);

        public void Forget(long before)
        {
            while (_slots.Count > 0 && _slots.First().Key < before)
            {
                _slots.Remove(_slots.First().Key);
            }
        }
    }
}
