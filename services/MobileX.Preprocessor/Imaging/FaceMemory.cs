using System.Collections.Concurrent;
using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// Where each station's face was last found, shared by every consumer loop of the process. A station is a webcam on
/// a person at a desk, so the next frame's face is almost always near the last one: searching there first costs a
/// fraction of a whole-frame search. Every <see cref="CropOptions.RescanEvery"/> frames the whole frame is searched
/// again for a face at least as large (a second person closer to the camera), and whenever the nearby search finds
/// nothing the whole frame is searched at every size, so the largest face is never missed for long. Thread-safe; a
/// race between loops only shifts when the next re-check happens.
/// </summary>
public sealed class FaceMemory(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public FaceMemory()
        : this(TimeProvider.System)
    {
    }

    /// <summary>
    /// The station's last face, in source pixels, or false when the whole frame must be searched at every size (no
    /// face yet, an old one, or a frame of another size). <paramref name="rescan"/> says this frame is due the
    /// periodic re-check for a larger face.
    /// </summary>
    public bool TryGetPrior(string track, Size frame, CropOptions options, out TrackedFace face, out bool rescan)
    {
        face = default;
        rescan = false;
        if (options.RescanEvery <= 0 || !_entries.TryGetValue(track, out var entry)
            || entry.Frame != frame || time.GetElapsedTime(entry.At) > options.TrackMaxAge)
        {
            return false;
        }

        face = entry.Face;
        rescan = entry.SinceRescan + 1 >= options.RescanEvery;
        return true;
    }

    /// <summary>
    /// Records the face a search found; <paramref name="rescanned"/> (a whole-frame search, or any search on a re-check
    /// frame, all of them verified) restarts the count to the next re-check.
    /// </summary>
    public void Remember(string track, Size frame, TrackedFace face, bool rescanned)
    {
        var since = !rescanned && _entries.TryGetValue(track, out var previous) ? previous.SinceRescan + 1 : 0;
        _entries[track] = new Entry(face, frame, time.GetTimestamp(), since);
    }

    /// <summary>Drops the station's face once no search found it, so the next frame is searched everywhere.</summary>
    public void Forget(string track) => _entries.TryRemove(track, out _);

    private sealed record Entry(TrackedFace Face, Size Frame, long At, int SinceRescan);
}

/// <summary>A station's last face in source pixels, with the finder-to-verifier size ratio measured when it was verified.</summary>
public readonly record struct TrackedFace(Rect Face, double Ratio);
