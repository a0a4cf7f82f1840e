using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>Why a frame was refused, with the reason from <c>RejectionReasons</c> and a detail for people.</summary>
public sealed record Rejection(string Reason, string Detail);

/// <summary>The face found in a frame, in source pixels, with the figures the quality gates measured.</summary>
/// <summary>Where the face was looked for: recorded in the lineage as the detector's <c>search</c> parameter.</summary>
public enum FaceSearch
{
    /// <summary>Every size everywhere: a station's first frame, or when its face was lost.</summary>
    WholeFrame,

    /// <summary>Near the station's last face, at sizes close to its own.</summary>
    NearLastFace,

    /// <summary>The periodic re-check of the whole frame for a face at least as large as the station's last one.</summary>
    LargerThanLastFace,
}

public readonly record struct FaceDetection(Rect Face, double Brightness, double Sharpness, FaceSearch Search = FaceSearch.WholeFrame);

/// <summary>An encoded bust crop and where it came from in the source.</summary>
public sealed record BustCrop(byte[] Jpeg, Rect Face, Rect CropBox, int Size);

/// <summary>
/// Decode, detect, compose and encode for one consumer loop. It owns a <see cref="CascadeClassifier"/>, which is not
/// thread-safe, and work buffers reused frame after frame; create one per loop and never share it.
/// </summary>
public sealed class BustCropper : IDisposable
{
    private static readonly Scalar PadColour = new(127, 127, 127);

    private readonly CropOptions _options;
    private readonly CascadeClassifier _cascade;
    private readonly Mat _small = new();
    private readonly Mat _grey = new();
    private readonly Mat _equalised = new();
    private readonly Mat _faceGrey = new();
    private readonly Mat _faceNormalised = new();
    private readonly Mat _laplacian = new();
    private readonly Mat _padded = new();
    private readonly Mat _output = new();
    private readonly int[] _jpegParams;
    private readonly Size _window;
    private readonly CascadeClassifier? _verifier;
    private readonly Size _verifierWindow;
    private readonly FaceMemory? _memory;

    // For each face the last search returned: its width over the finder's box width (verifier boxes are the calibrated
    // ones). A station's ratio lets the nearby search turn finder boxes into verifier-sized faces without the verifier.
    private readonly List<double> _ratios = [];
    private readonly List<Rect> _hits = [];
    private readonly Mat _octave = new();

    // The verifier searches a narrow band of scales around each candidate, so a fine step costs little.
    private const double VerifyScaleFactor = 1.05;

    /// <param name="memory">Each station's last face, shared by the loops of a process; null searches every frame whole.</param>
    public BustCropper(CropOptions options, FaceMemory? memory = null)
    {
        // The worker runs frames in parallel (consumer loops and replicas); OpenCV's own thread pool on top of that
        // oversubscribes the cores and its parallel regions stall waiting for descheduled threads.
        Cv2.SetNumThreads(1);
        _options = options;
        _memory = options.RescanEvery > 0 ? memory : null;
        _cascade = new CascadeClassifier(options.CascadePath);
        if (_cascade.Empty())
        {
            _cascade.Dispose();
            throw new InvalidOperationException($"Preprocessor:Crop:CascadePath '{options.CascadePath}' is not a cascade OpenCV can load.");
        }

        // The file decides the detector, so the lineage names what actually ran, whatever CascadePath points at.
        Name = _cascade.GetFeatureType() switch
        {
            0 => "opencv-haar-cascade",
            1 => "opencv-lbp-cascade",
            _ => "opencv-hog-cascade",
        };
        _window = _cascade.GetOriginalWindowSize();
        if (!string.IsNullOrEmpty(options.VerifyCascadePath))
        {
            _verifier = new CascadeClassifier(options.VerifyCascadePath);
            if (_verifier.Empty())
            {
                _verifier.Dispose();
                _cascade.Dispose();
                throw new InvalidOperationException($"Preprocessor:Crop:VerifyCascadePath '{options.VerifyCascadePath}' is not a cascade OpenCV can load.");
            }

            _verifierWindow = _verifier.GetOriginalWindowSize();
        }

        _jpegParams = [(int)ImwriteFlags.JpegQuality, options.JpegQuality];
        var parameters = new Dictionary<string, string>
        {
            ["window"] = $"{_window.Width}x{_window.Height}",
            ["verifyModel"] = string.IsNullOrEmpty(options.VerifyCascadePath) ? "none" : Path.GetFileName(options.VerifyCascadePath),
            ["verifyScaleFactor"] = VerifyScaleFactor.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["verifyMinNeighbors"] = options.VerifyMinNeighbors.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["detectionWidth"] = options.DetectionWidth.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["scaleFactor"] = options.ScaleFactor.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minNeighbors"] = options.MinNeighbors.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minDetectionSize"] = options.MinDetectionSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minFaceSize"] = options.MinFaceSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minBrightness"] = options.MinBrightness.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minSharpness"] = options.MinSharpness.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["marginTop"] = options.MarginTop.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["marginBottom"] = options.MarginBottom.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["marginSide"] = options.MarginSide.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["jpegQuality"] = options.JpegQuality.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rescanEvery"] = (_memory is null ? 0 : options.RescanEvery).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // One dictionary per search, indexed by its value, so a frame's lineage costs no allocation.
        _parameters = [.. Enum.GetValues<FaceSearch>().Select(search => new Dictionary<string, string>(parameters) { ["search"] = SearchName(search) })];
    }

    /// <summary>The lineage's <c>search</c> parameter: where the face this crop is built on was looked for.</summary>
    public static string SearchName(FaceSearch search) => search switch
    {
        FaceSearch.NearLastFace => "near-last-face",
        FaceSearch.LargerThanLastFace => "larger-than-last-face",
        _ => "whole-frame",
    };

    /// <summary>The detector kind, from the cascade file: <c>opencv-haar-cascade</c> or <c>opencv-lbp-cascade</c>.</summary>
    public string Name { get; }

    private readonly IReadOnlyDictionary<string, string>[] _parameters;

    /// <summary>The detector's tuning for a face found by a whole-frame search.</summary>
    public IReadOnlyDictionary<string, string> Parameters => _parameters[(int)FaceSearch.WholeFrame];

    /// <summary>The tuning to record in the lineage of <paramref name="detection"/>, with the search that found it.</summary>
    public IReadOnlyDictionary<string, string> ParametersFor(FaceDetection detection) => _parameters[(int)detection.Search];

    public string Model => Path.GetFileName(_options.CascadePath);

    /// <summary>Checks and decodes an encoded frame; on success <paramref name="image"/> is a BGR Mat the caller disposes.</summary>
    public Rejection? Decode(ReadOnlySpan<byte> data, out Mat? image)
    {
        image = null;
        if (data.IsEmpty)
        {
            return new Rejection(Contracts.RejectionReasons.EmptyObject, "The object is 0 bytes long.");
        }

        var format = ImageSniffer.Format(data);
        if (format != ImageFormat.Unknown)
        {
            if (!ImageSniffer.TryReadSize(data, format, out var width, out var height))
            {
                return new Rejection(Contracts.RejectionReasons.TruncatedImage, $"The {format} header ends before the image size ({data.Length} bytes).");
            }

            if (TooManyPixels(width, height) is { } tooMany)
            {
                return tooMany;
            }

            if (!ImageSniffer.IsComplete(data, format))
            {
                return new Rejection(Contracts.RejectionReasons.TruncatedImage, $"The {format} data ends before its end marker ({data.Length} bytes).");
            }
        }

        var decoded = Cv2.ImDecode(data, ImreadModes.Color);
        if (decoded.Empty())
        {
            decoded.Dispose();
            return format == ImageFormat.Unknown
                ? new Rejection(Contracts.RejectionReasons.NotAnImage, $"The {data.Length} bytes are not an image format OpenCV decodes.")
                : new Rejection(Contracts.RejectionReasons.NotAnImage, $"The {format} data is corrupt and could not be decoded.");
        }

        if (TooManyPixels(decoded.Width, decoded.Height) is { } overLimit)
        {
            decoded.Dispose();
            return overLimit;
        }

        image = decoded;
        return null;
    }

    /// <summary>Finds the largest face on a shrunk grey copy and applies the brightness, size and sharpness gates.</summary>
    /// <param name="track">The stream the frame belongs to (its station); with a <see cref="FaceMemory"/>, the search
    /// starts near that stream's last face. Null searches the whole frame.</param>
    public Rejection? Detect(Mat image, out FaceDetection detection, string? track = null)
    {
        detection = default;
        var scale = Math.Min(1.0, (double)_options.DetectionWidth / image.Width);
        if (scale < 1.0)
        {
            Cv2.Resize(image, _small, new Size(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale))), interpolation: InterpolationFlags.Area);
            Cv2.CvtColor(_small, _grey, ColorConversionCodes.BGR2GRAY);
        }
        else
        {
            Cv2.CvtColor(image, _grey, ColorConversionCodes.BGR2GRAY);
        }

        var brightness = Cv2.Mean(_grey).Val0;
        if (brightness < _options.MinBrightness)
        {
            return new Rejection(Contracts.RejectionReasons.TooDark, $"Mean brightness {brightness:F1} is below Preprocessor:Crop:MinBrightness {_options.MinBrightness}.");
        }

        Cv2.EqualizeHist(_grey, _equalised);
        var memory = track is null ? null : _memory;
        Rect[] faces = [];
        var search = FaceSearch.WholeFrame;
        var rescan = false;
        if (memory is not null && memory.TryGetPrior(track!, image.Size(), _options, out var prior, out rescan))
        {
            // Only the largest face counts, so the periodic re-check skips every size below the station's face: that
            // is where a cascade spends most of its time. Faces shrink a little between frames, hence the margin.
            if (rescan && (faces = SearchWhole(Math.Max(MinSearchSize(scale).Width, (int)(prior.Face.Width * scale * LargerFaceFraction)))).Length > 0)
            {
                search = FaceSearch.LargerThanLastFace;
            }
            else if ((faces = SearchNear(prior, scale, verify: rescan)).Length > 0)
            {
                search = FaceSearch.NearLastFace;
            }
        }

        if (faces.Length == 0)
        {
            faces = SearchWhole(MinSearchSize(scale).Width);
        }

        if (faces.Length == 0)
        {
            memory?.Forget(track!);
            return new Rejection(Contracts.RejectionReasons.NoFace, "No face was found.");
        }

        var index = 0;
        for (var i = 1; i < faces.Length; i++)
        {
            index = faces[i].Width * faces[i].Height > faces[index].Width * faces[index].Height ? i : index;
        }

        var largest = faces[index];
        var face = new Rect(
            (int)Math.Round(largest.X / scale),
            (int)Math.Round(largest.Y / scale),
            (int)Math.Round(largest.Width / scale),
            (int)Math.Round(largest.Height / scale)) & new Rect(0, 0, image.Width, image.Height);
        memory?.Remember(track!, image.Size(), new TrackedFace(face, _ratios[index]), rescanned: rescan || search != FaceSearch.NearLastFace);
        if (face.Width < _options.MinFaceSize)
        {
            return new Rejection(Contracts.RejectionReasons.FaceTooSmall, $"The largest face is {face.Width} px wide, below Preprocessor:Crop:MinFaceSize {_options.MinFaceSize}.");
        }

        var sharpness = Sharpness(image, face);
        detection = new FaceDetection(face, brightness, sharpness, search);
        if (sharpness < _options.MinSharpness)
        {
            return new Rejection(Contracts.RejectionReasons.TooBlurred, $"Face sharpness {sharpness:F1} is below Preprocessor:Crop:MinSharpness {_options.MinSharpness}.");
        }

        return null;
    }

    /// <summary>The square head-and-shoulders box around a face, shifted into the frame where it fits and padded where it does not.</summary>
    public static Rect BustBox(Rect face, Size frame, CropOptions options)
    {
        var side = (int)Math.Ceiling(Math.Max(
            face.Height * (1 + options.MarginTop + options.MarginBottom),
            face.Width * (1 + (2 * options.MarginSide))));
        var x = face.X + (face.Width / 2) - (side / 2);
        var y = face.Y - (int)Math.Round(face.Height * options.MarginTop);
        return new Rect(Fit(x, side, frame.Width), Fit(y, side, frame.Height), side, side);

        // Slide the box back inside the frame when it is small enough; a larger box stays centred and gets padded.
        static int Fit(int start, int length, int limit) =>
            length <= limit ? Math.Clamp(start, 0, limit - length) : start;
    }

    /// <summary>Cuts the bust out of <paramref name="image"/>, pads what lies outside it, resizes to the output size and encodes JPEG.</summary>
    public BustCrop CropAndEncode(Mat image, Rect face)
    {
        var box = BustBox(face, image.Size(), _options);
        var inside = box & new Rect(0, 0, image.Width, image.Height);
        using var roi = new Mat(image, inside);
        var source = roi;
        if (inside != box)
        {
            Cv2.CopyMakeBorder(roi, _padded,
                inside.Y - box.Y, box.Bottom - inside.Bottom, inside.X - box.X, box.Right - inside.Right,
                BorderTypes.Constant, PadColour);
            source = _padded;
        }

        var size = _options.OutputSize;
        Cv2.Resize(source, _output, new Size(size, size), interpolation: box.Width > size ? InterpolationFlags.Area : InterpolationFlags.Cubic);
        Cv2.ImEncode(ImageExtensionJpeg, _output, out var jpeg, _jpegParams);
        return new BustCrop(jpeg, face, box, size);
    }

    private const string ImageExtensionJpeg = ".jpg";

    /// <summary>
    /// Smallest face searched for, in detection pixels. Most of a cascade's work is on the smallest windows, so the
    /// search stops at half <see cref="CropOptions.MinFaceSize"/>: anything smaller would be rejected anyway, and
    /// faces between half and the minimum are still found so they are reported as <c>face-too-small</c>, not <c>no-face</c>.
    /// </summary>
    /// <summary>
    /// Re-checks each candidate with the verifying cascade on a window twice its size, at scales near its own. The
    /// fast finder runs with few neighbours so it misses little; the verifier drops what it took for a face (a cat,
    /// a pattern) and gives boxes the same size as the Haar cascade's, which <see cref="CropOptions.MinFaceSize"/> is
    /// calibrated on. Only the largest face is used, so candidates are checked largest first and the first one that
    /// passes ends the check: a window is a few percent of the frame, but a busy background can offer many.
    /// </summary>
    private Rect[] Verify(Rect[] candidates)
    {
        _ratios.Clear();
        if (_verifier is null || candidates.Length == 0)
        {
            _ratios.AddRange(Enumerable.Repeat(1.0, candidates.Length));
            return candidates;
        }

        Array.Sort(candidates, static (a, b) => (b.Width * b.Height).CompareTo(a.Width * a.Height));
        var bounds = new Rect(0, 0, _equalised.Width, _equalised.Height);
        var verified = new List<Rect>(1);
        foreach (var candidate in candidates)
        {
            var pad = candidate.Width / 2;
            var window = new Rect(candidate.X - pad, candidate.Y - pad, candidate.Width + (2 * pad), candidate.Height + (2 * pad)) & bounds;
            using var roi = new Mat(_equalised, window);
            var min = Math.Max(_verifierWindow.Width, (int)(candidate.Width * 0.6));
            var max = Math.Max(min + 1, (int)Math.Ceiling(candidate.Width * 1.6));
            var found = _verifier.DetectMultiScale(roi, VerifyScaleFactor, _options.VerifyMinNeighbors, HaarDetectionTypes.ScaleImage,
                new Size(min, min), new Size(max, max));
            if (found.Length > 0)
            {
                var best = found.MaxBy(f => f.Width * f.Height);
                verified.Add(new Rect(best.X + window.X, best.Y + window.Y, best.Width, best.Height));
                _ratios.Add((double)best.Width / candidate.Width);
                break;
            }
        }

        return [.. verified];
    }

    /// <summary>
    /// Runs the finder alone in a window around the station's last face, at sizes near its own, and sizes what it finds
    /// with the station's finder-to-verifier ratio. The window and the band of sizes are a few percent of a whole-frame
    /// search, and skipping the verifier saves most of the rest: the face was verified where it was. On a re-check
    /// frame (<paramref name="verify"/>) the verifier runs, so something the finder alone mistakes for a face (a
    /// poster, once the person has left) is kept for at most <see cref="CropOptions.RescanEvery"/> frames.
    /// </summary>
    private Rect[] SearchNear(TrackedFace prior, double scale, bool verify)
    {
        var side = prior.Face.Width * scale;
        var expected = side / prior.Ratio;
        var pad = (int)Math.Ceiling(side * NearPadding);
        var window = new Rect(
            (int)Math.Floor(prior.Face.X * scale) - pad,
            (int)Math.Floor(prior.Face.Y * scale) - pad,
            (int)Math.Ceiling(side) + (2 * pad),
            (int)Math.Ceiling(prior.Face.Height * scale) + (2 * pad)) & new Rect(0, 0, _equalised.Width, _equalised.Height);
        var min = Math.Max(_window.Width, (int)(expected * NearMinSize));
        var max = Math.Max(min + 1, (int)Math.Ceiling(expected * NearMaxSize));
        _ratios.Clear();
        if (window.Width < min || window.Height < min)
        {
            return [];
        }

        using var roi = new Mat(_equalised, window);
        var found = _cascade.DetectMultiScale(roi, _options.ScaleFactor, _options.MinNeighbors, HaarDetectionTypes.ScaleImage,
            new Size(min, min), new Size(max, max));
        for (var i = 0; i < found.Length; i++)
        {
            found[i] = new Rect(found[i].X + window.X, found[i].Y + window.Y, found[i].Width, found[i].Height);
        }

        if (verify)
        {
            return Verify(found);
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
            _ratios.Add(prior.Ratio);
        }

        return found;
    }

    // How far the face may have moved since the station's last frame, and how much it may have grown or shrunk, as
    // fractions of its width. Beyond that the nearby search finds nothing and the whole frame is searched.
    private const double NearPadding = 0.75;
    private const double NearMinSize = 0.7;
    private const double NearMaxSize = 1.4;

    // A face below this fraction of the station's last face cannot be the largest in the frame unless that face has
    // gone, and then the nearby search fails and the whole frame is searched at every size.
    private const double LargerFaceFraction = 0.8;

    /// <summary>Finder and verifier over the whole detection image, for faces at least <paramref name="minSide"/> detection pixels wide.</summary>
    /// <remarks>
    /// The search runs an octave at a time: each octave halves the image and looks only for faces one to about two
    /// windows wide. OpenCV scans a scale at twice its window with a one-pixel step instead of two, so asking it for
    /// every size on the full image spends most of its time on large faces at a needlessly fine step; an octave
    /// pyramid keeps the step proportional to the face, and costs about half as much for the same faces.
    /// </remarks>
    private Rect[] SearchWhole(int minSide)
    {
        _hits.Clear();
        var first = Math.Min(1.0, (double)_window.Width / Math.Max(minSide, _window.Width));
        var band = new Size((int)Math.Ceiling(_window.Width * OctaveBand), (int)Math.Ceiling(_window.Height * OctaveBand));
        for (var octave = 0; ; octave++)
        {
            var shrink = first / (1 << octave);
            var size = new Size((int)Math.Round(_equalised.Width * shrink), (int)Math.Round(_equalised.Height * shrink));
            if (size.Width < _window.Width || size.Height < _window.Height)
            {
                break;
            }

            var image = _equalised;
            if (shrink < 0.999)
            {
                Cv2.Resize(_equalised, _octave, size, interpolation: InterpolationFlags.Area);
                image = _octave;
            }

            foreach (var hit in _cascade.DetectMultiScale(image, _options.ScaleFactor, _options.MinNeighbors, HaarDetectionTypes.ScaleImage, _window, band))
            {
                var mapped = new Rect(
                    (int)Math.Round(hit.X / shrink), (int)Math.Round(hit.Y / shrink),
                    (int)Math.Round(hit.Width / shrink), (int)Math.Round(hit.Height / shrink));
                if (!_hits.Exists(kept => SameFace(kept, mapped)))
                {
                    _hits.Add(mapped);
                }
            }
        }

        return Verify([.. _hits]);

        // Neighbouring octaves overlap, so one face can be found twice.
        static bool SameFace(Rect a, Rect b)
        {
            var ratio = (double)a.Width / b.Width;
            return ratio is > 0.7 and < 1.43 && a.Contains(new Point(b.X + (b.Width / 2), b.Y + (b.Height / 2)));
        }
    }

    // Each octave looks for faces 1 to 2.2 windows wide, so a face near an octave's edge is whole in one of them.
    private const double OctaveBand = 2.2;

    private Size MinSearchSize(double scale)
    {
        var side = Math.Max(_options.MinDetectionSize, (int)Math.Floor(_options.MinFaceSize * scale / 2));
        return new Size(Math.Max(side, _window.Width), Math.Max(side, _window.Height));
    }

    private Rejection? TooManyPixels(int width, int height) =>
        (long)width * height > _options.MaxPixels
            ? new Rejection(Contracts.RejectionReasons.TooManyPixels, $"{width}x{height} is {(long)width * height} pixels, over Preprocessor:Crop:MaxPixels {_options.MaxPixels}.")
            : null;

    private double Sharpness(Mat image, Rect face)
    {
        // Normalising the face to 128x128 makes the Laplacian variance comparable across face sizes.
        using var faceRoi = new Mat(image, face);
        Cv2.CvtColor(faceRoi, _faceGrey, ColorConversionCodes.BGR2GRAY);
        Cv2.Resize(_faceGrey, _faceNormalised, new Size(128, 128), interpolation: InterpolationFlags.Area);
        Cv2.Laplacian(_faceNormalised, _laplacian, MatType.CV_64F);
        Cv2.MeanStdDev(_laplacian, out _, out var stddev);
        return stddev.Val0 * stddev.Val0;
    }

    public void Dispose()
    {
        _cascade.Dispose();
        _verifier?.Dispose();
        _small.Dispose();
        _grey.Dispose();
        _equalised.Dispose();
        _faceGrey.Dispose();
        _faceNormalised.Dispose();
        _laplacian.Dispose();
        _padded.Dispose();
        _output.Dispose();
        _octave.Dispose();
    }
}
