using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// Chooses where a station's frame is searched from its last face in <see cref="FaceMemory"/>, and keeps that memory
/// to what the search found. Without a track, a memory or <see cref="CropOptions.RescanEvery"/>, every frame is
/// searched whole at every size.
/// </summary>
internal sealed class FaceTracker
{
    // How far the face may have moved since the station's last frame, and how much it may have grown or shrunk, as
    // fractions of its width. Beyond that the nearby search finds nothing and the whole frame is searched.
    private const double NearPadding = 0.75;
    private const double NearMinSize = 0.7;
    private const double NearMaxSize = 1.4;

    // A face below this fraction of the station's last face cannot be the largest in the frame unless that face has
    // gone, and then the nearby search fails and the whole frame is searched at every size.
    private const double LargerFaceFraction = 0.8;

    private readonly FaceFinder _finder;
    private readonly FaceMemory? _memory;
    private readonly CropOptions _options;

    public FaceTracker(FaceFinder finder, FaceMemory? memory, CropOptions options)
    {
        _finder = finder;
        _memory = options.RescanEvery > 0 ? memory : null;
        _options = options;
    }

    /// <summary>True when frames with a track are searched near their station's last face.</summary>
    public bool Tracks => _memory is not null;

    /// <summary>The largest face in the frame, in source pixels, and the search that found it; false when there is none.</summary>
    public bool TryFind(DetectionImage detection, Size frame, string? track, out Rect face, out FaceSearch search)
    {
        face = default;
        search = FaceSearch.WholeFrame;
        var equalised = detection.Equalised;
        var scale = detection.Scale;
        var memory = track is null ? null : _memory;
        var found = false;
        var rescan = false;
        FaceHit hit = default;
        if (memory is not null && memory.TryGetPrior(track!, frame, _options, out var prior, out rescan))
        {
            // Only the largest face counts, so the periodic re-check skips every size below the station's face: that
            // is where a cascade spends most of its time. Faces shrink a little between frames, hence the margin.
            if (rescan && _finder.TryFindWhole(equalised, Math.Max(MinSide(scale), (int)(prior.Face.Width * scale * LargerFaceFraction)), out hit))
            {
                (found, search) = (true, FaceSearch.LargerThanLastFace);
            }
            else if (TryFindNear(equalised, prior, scale, verify: rescan, out hit))
            {
                (found, search) = (true, FaceSearch.NearLastFace);
            }
        }

        if (!found && !_finder.TryFindWhole(equalised, MinSide(scale), out hit))
        {
            memory?.Forget(track!);
            return false;
        }

        face = new Rect(
            (int)Math.Round(hit.Box.X / scale),
            (int)Math.Round(hit.Box.Y / scale),
            (int)Math.Round(hit.Box.Width / scale),
            (int)Math.Round(hit.Box.Height / scale)) & new Rect(0, 0, frame.Width, frame.Height);
        memory?.Remember(track!, frame, new TrackedFace(face, hit.Ratio), rescanned: rescan || search != FaceSearch.NearLastFace);
        return true;
    }

    /// <summary>
    /// Smallest face searched for, in detection pixels. Most of a cascade's work is on the smallest windows, so the
    /// search stops at half <see cref="CropOptions.MinFaceSize"/>: anything smaller would be rejected anyway, and
    /// faces between half and the minimum are still found so they are reported as <c>face-too-small</c>, not <c>no-face</c>.
    /// </summary>
    private int MinSide(double scale) =>
        Math.Max(Math.Max(_options.MinDetectionSize, (int)Math.Floor(_options.MinFaceSize * scale / 2)), _finder.Window.Width);

    /// <summary>
    /// The largest face the finder alone sees in a window around the station's last face, at sizes near its own,
    /// sized with the station's ratio. The window and the band of sizes are a few percent of a whole-frame search,
    /// and skipping the verifier saves most of the rest: the face was verified where it was. On a re-check frame
    /// (<paramref name="verify"/>) the verifier runs, so something the finder alone mistakes for a face (a poster,
    /// once the person has left) is kept for at most <see cref="CropOptions.RescanEvery"/> frames.
    /// </summary>
    private bool TryFindNear(Mat equalised, TrackedFace prior, double scale, bool verify, out FaceHit hit)
    {
        hit = default;
        var side = prior.Face.Width * scale;
        var expected = side / prior.Ratio;
        var pad = (int)Math.Ceiling(side * NearPadding);
        var window = new Rect(
            (int)Math.Floor(prior.Face.X * scale) - pad,
            (int)Math.Floor(prior.Face.Y * scale) - pad,
            (int)Math.Ceiling(side) + (2 * pad),
            (int)Math.Ceiling(prior.Face.Height * scale) + (2 * pad)) & new Rect(0, 0, equalised.Width, equalised.Height);
        var min = Math.Max(_finder.Window.Width, (int)(expected * NearMinSize));
        var max = Math.Max(min + 1, (int)Math.Ceiling(expected * NearMaxSize));
        if (window.Width < min || window.Height < min)
        {
            return false;
        }

        var found = _finder.FindIn(equalised, window, min, max);
        if (verify)
        {
            return _finder.Confirm(equalised, found, out hit);
        }

        if (found.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < found.Length; i++)
        {
            var width = found[i].Width * prior.Ratio;
            var height = found[i].Height * prior.Ratio;
            found[i] = new Rect(
                (int)Math.Round(found[i].X + ((found[i].Width - width) / 2)),
                (int)Math.Round(found[i].Y + ((found[i].Height - height) / 2)),
                (int)Math.Round(width),
                (int)Math.Round(height));
        }

        hit = FaceHit.Largest(found, prior.Ratio);
        return true;
    }
}
