using System.Runtime.InteropServices;
using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// The fast finder cascade and the <see cref="FaceVerifier"/> that confirms what it finds, run over the detection
/// image. Owns cascades and buffers that are not thread-safe: one per loop.
/// </summary>
internal sealed class FaceFinder : IDisposable
{
    // Each octave looks for faces 1 to 2.2 windows wide, so a face near an octave's edge is whole in one of them.
    private const double OctaveBand = 2.2;

    private readonly CropOptions _options;
    private readonly CascadeClassifier _cascade;
    private readonly FaceVerifier _verifier;
    private readonly List<Rect> _hits = [];
    private readonly Mat _octave = new();

    public FaceFinder(CropOptions options)
    {
        _options = options;
        _cascade = CascadeFile.Load(options.CascadePath, "Preprocessor:Crop:CascadePath");
        Window = _cascade.GetOriginalWindowSize();
        FeatureType = _cascade.GetFeatureType();
        try
        {
            _verifier = new FaceVerifier(options);
        }
        catch
        {
            _cascade.Dispose();
            throw;
        }
    }

    /// <summary>The finder's training window: the smallest face it sees, in detection pixels.</summary>
    public Size Window { get; }

    /// <summary>OpenCV's feature type of the finder cascade (0 Haar, 1 LBP, 2 HOG): the file decides it, not the setting.</summary>
    public int FeatureType { get; }

    /// <summary>The largest verified face on the whole image at least <paramref name="minSide"/> detection pixels wide.</summary>
    /// <remarks>
    /// The search runs an octave at a time: each octave halves the image and looks only for faces one to about two
    /// windows wide. OpenCV scans a scale at twice its window with a one-pixel step instead of two, so asking it for
    /// every size on the full image spends most of its time on large faces at a needlessly fine step; an octave
    /// pyramid keeps the step proportional to the face, and costs about half as much for the same faces.
    /// </remarks>
    public bool TryFindWhole(Mat equalised, int minSide, out FaceHit hit)
    {
        _hits.Clear();
        var first = Math.Min(1.0, (double)Window.Width / Math.Max(minSide, Window.Width));
        var band = new Size((int)Math.Ceiling(Window.Width * OctaveBand), (int)Math.Ceiling(Window.Height * OctaveBand));
        for (var octave = 0; ; octave++)
        {
            var shrink = first / (1 << octave);
            var size = new Size((int)Math.Round(equalised.Width * shrink), (int)Math.Round(equalised.Height * shrink));
            if (size.Width < Window.Width || size.Height < Window.Height)
            {
                break;
            }

            var image = equalised;
            if (shrink < 0.999)
            {
                Cv2.Resize(equalised, _octave, size, interpolation: InterpolationFlags.Area);
                image = _octave;
            }

            foreach (var found in _cascade.DetectMultiScale(image, _options.ScaleFactor, _options.MinNeighbors, HaarDetectionTypes.ScaleImage, Window, band))
            {
                var mapped = new Rect(
                    (int)Math.Round(found.X / shrink), (int)Math.Round(found.Y / shrink),
                    (int)Math.Round(found.Width / shrink), (int)Math.Round(found.Height / shrink));
                if (!_hits.Exists(kept => SameFace(kept, mapped)))
                {
                    _hits.Add(mapped);
                }
            }
        }

        return Confirm(equalised, CollectionsMarshal.AsSpan(_hits), out hit);

        // Neighbouring octaves overlap, so one face can be found twice.
        static bool SameFace(Rect a, Rect b)
        {
            var ratio = (double)a.Width / b.Width;
            return ratio is > 0.7 and < 1.43 && a.Contains(new Point(b.X + (b.Width / 2), b.Y + (b.Height / 2)));
        }
    }

    /// <summary>
    /// What the finder alone sees in <paramref name="window"/> of the image, <paramref name="min"/> to
    /// <paramref name="max"/> detection pixels wide, in image coordinates.
    /// </summary>
    public Rect[] FindIn(Mat equalised, Rect window, int min, int max)
    {
        using var roi = new Mat(equalised, window);
        var found = _cascade.DetectMultiScale(roi, _options.ScaleFactor, _options.MinNeighbors, HaarDetectionTypes.ScaleImage,
            new Size(min, min), new Size(max, max));
        for (var i = 0; i < found.Length; i++)
        {
            found[i] = new Rect(found[i].X + window.X, found[i].Y + window.Y, found[i].Width, found[i].Height);
        }

        return found;
    }

    /// <summary>The largest of <paramref name="candidates"/> the verifier confirms; reorders them.</summary>
    public bool Confirm(Mat equalised, Span<Rect> candidates, out FaceHit hit) =>
        _verifier.TryConfirmLargest(equalised, candidates, out hit);

    public void Dispose()
    {
        _cascade.Dispose();
        _verifier.Dispose();
        _octave.Dispose();
    }
}
