using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// The second cascade, which re-checks the finder's candidates. The fast finder runs with few neighbours so it misses
/// little; the verifier drops what it took for a face (a cat, a pattern) and gives boxes the same size as the Haar
/// cascade's, which <see cref="CropOptions.MinFaceSize"/> is calibrated on. Without a verifier cascade the finder is
/// trusted as it is. Not thread-safe: one per loop.
/// </summary>
internal sealed class FaceVerifier : IDisposable
{
    /// <summary>The verifier searches a narrow band of scales around each candidate, so a fine step costs little.</summary>
    public const double ScaleFactor = 1.05;

    private static readonly Comparison<Rect> LargestFirst = static (a, b) => (b.Width * b.Height).CompareTo(a.Width * a.Height);

    private readonly CascadeClassifier? _cascade;
    private readonly Size _window;
    private readonly int _minNeighbors;

    public FaceVerifier(CropOptions options)
    {
        _minNeighbors = options.VerifyMinNeighbors;
        if (!string.IsNullOrEmpty(options.VerifyCascadePath))
        {
            _cascade = CascadeFile.Load(options.VerifyCascadePath, "Preprocessor:Crop:VerifyCascadePath");
            _window = _cascade.GetOriginalWindowSize();
        }
    }

    /// <summary>
    /// The largest candidate the verifier confirms, looked for in a window twice the candidate's size at scales near
    /// its own, with the ratio of the verifier's box width to the finder's. Only the largest face is used, so
    /// candidates are checked largest first and the first confirmed ends the check: a window is a few percent of the
    /// frame, but a busy background can offer many. Sorts <paramref name="candidates"/> in place.
    /// </summary>
    public bool TryConfirmLargest(Mat equalised, Span<Rect> candidates, out FaceHit hit)
    {
        if (_cascade is null)
        {
            hit = candidates.IsEmpty ? default : FaceHit.Largest(candidates, 1.0);
            return !candidates.IsEmpty;
        }

        candidates.Sort(LargestFirst);
        var bounds = new Rect(0, 0, equalised.Width, equalised.Height);
        foreach (var candidate in candidates)
        {
            var pad = candidate.Width / 2;
            var window = new Rect(candidate.X - pad, candidate.Y - pad, candidate.Width + (2 * pad), candidate.Height + (2 * pad)) & bounds;
            using var roi = new Mat(equalised, window);
            var min = Math.Max(_window.Width, (int)(candidate.Width * 0.6));
            var max = Math.Max(min + 1, (int)Math.Ceiling(candidate.Width * 1.6));
            var found = _cascade.DetectMultiScale(roi, ScaleFactor, _minNeighbors, HaarDetectionTypes.ScaleImage,
                new Size(min, min), new Size(max, max));
            if (found.Length > 0)
            {
                var best = found.MaxBy(f => f.Width * f.Height);
                hit = new FaceHit(new Rect(best.X + window.X, best.Y + window.Y, best.Width, best.Height), (double)best.Width / candidate.Width);
                return true;
            }
        }

        hit = default;
        return false;
    }

    public void Dispose() => _cascade?.Dispose();
}
