using MobileX.Contracts;

namespace MobileX.Feeds.Checkpoints;

/// <summary>
/// Turns acks of lake frames, which may come in any order, into a cursor per station and stage that never passes an
/// unacked frame: the newest frame such that it and every older frame delivered were acked.
/// </summary>
internal sealed class CursorTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedList<(FrameId Id, bool Acked)>> _pending = [];
    private readonly Dictionary<FrameId, LinkedListNode<(FrameId Id, bool Acked)>> _nodes = [];
    private readonly Dictionary<string, FrameId> _cursors;

    public CursorTracker(IReadOnlyDictionary<string, string> cursors)
    {
        _cursors = cursors.ToDictionary(c => c.Key, c => FrameId.Parse(c.Value));
    }

    public static string KeyOf(StationId station, FrameStage stage) => $"{station}/{stage.Token()}";

    /// <summary>Frames delivered and not yet acked.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _nodes.Count;
            }
        }
    }

    /// <summary>True when <paramref name="id"/> is at or before the cursor: delivered and acked by an earlier run.</summary>
    public bool IsDone(string key, FrameId id)
    {
        lock (_lock)
        {
            return _cursors.TryGetValue(key, out var cursor) && id.CompareTo(cursor) <= 0;
        }
    }

    /// <summary>Records a delivery; frames of one key are delivered in frame-id order.</summary>
    public void Delivered(string key, FrameId id)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(key, out var list))
            {
                _pending[key] = list = new LinkedList<(FrameId, bool)>();
            }

            _nodes[id] = list.AddLast((id, false));
        }
    }

    public void Acked(string key, FrameId id)
    {
        lock (_lock)
        {
            if (!_nodes.Remove(id, out var node))
            {
                return;
            }

            node.Value = (id, true);
            var list = _pending[key];
            while (list.First is { Value.Acked: true } first)
            {
                _cursors[key] = first.Value.Id;
                list.RemoveFirst();
            }
        }
    }

    /// <summary>The cursors to persist.</summary>
    public Dictionary<string, string> Snapshot()
    {
        lock (_lock)
        {
            return _cursors.ToDictionary(c => c.Key, c => c.Value.ToString());
        }
    }
}
