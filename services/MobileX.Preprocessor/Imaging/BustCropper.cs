using MobileX.Contracts;
using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// Decode, detect, compose and encode for one consumer loop. Its parts own cascades, which are not thread-safe, and
/// work buffers reused frame after frame; create one per loop and never share it.
/// </summary>
public sealed class BustCropper : IDisposable
{
    private readonly FaceFinder _finder;
    private readonly FaceTracker _tracker;
    private readonly FrameDecoder _decoder;
    private readonly DetectionImage _detectionImage;
    private readonly QualityGates _gates;
    private readonly BustComposer _composer;

    /// <param name="options">Detection, gates and composition; the cascades are loaded here, once per loop.</param>
    /// <param name="memory">Each station's last face, shared by the loops of a process; null searches every frame whole.</param>
    public BustCropper(CropOptions options, FaceMemory? memory = null)
    {
        // The worker runs frames in parallel (consumer loops and replicas); OpenCV's own thread pool on top of that
        // oversubscribes the cores and its parallel regions stall waiting for descheduled threads.
        Cv2.SetNumThreads(1);

        // Only the cascades can fail to load, so they come first and a failure leaves nothing else to dispose.
        _finder = new FaceFinder(options);
        _tracker = new FaceTracker(_finder, memory, options);
        Lineage = new DetectorLineage(options, _finder, _tracker.Tracks);
        _decoder = new FrameDecoder(options);
        _detectionImage = new DetectionImage(options.DetectionWidth);
        _gates = new QualityGates(options);
        _composer = new BustComposer(options);
    }

    /// <summary>The detector this cropper runs, as the processed lineage records it.</summary>
    public DetectorLineage Lineage { get; }

    /// <summary>Checks and decodes an encoded frame; on success <paramref name="image"/> is a BGR Mat the caller disposes.</summary>
    public Rejection? Decode(ReadOnlySpan<byte> data, out Mat? image) => _decoder.Decode(data, out image);

    /// <summary>
    /// Finds the largest face on a shrunk grey copy and applies the brightness, size and sharpness gates.
    /// <paramref name="detection"/> is set once the face is large enough, so a blurred face still counts as found.
    /// </summary>
    /// <param name="track">The stream the frame belongs to (its station); with a <see cref="FaceMemory"/>, the search
    /// starts near that stream's last face. Null searches the whole frame.</param>
    public Rejection? Detect(Mat image, out FaceDetection detection, string? track = null)
    {
        detection = default;
        _detectionImage.Shrink(image);
        if (_gates.Brightness(_detectionImage.Grey, out var brightness) is { } tooDark)
        {
            return Labelled(tooDark, FaceSearch.WholeFrame, brightness);
        }

        _detectionImage.Equalise();
        if (!_tracker.TryFind(_detectionImage, image.Size(), track, out var face, out var search))
        {
            return Labelled(new Rejection(RejectionReasons.NoFace, "No face was found."), search, brightness);
        }

        if (_gates.FaceSize(face) is { } tooSmall)
        {
            return Labelled(tooSmall, search, brightness, face.Width);
        }

        var tooBlurred = _gates.Sharpness(image, face, out var sharpness);
        detection = new FaceDetection(face, brightness, sharpness, search);
        return tooBlurred is null ? null : Labelled(tooBlurred, search, brightness, face.Width, sharpness);
    }

    // The label a rejected frame keeps in the lake: which search refused it and what the gates measured up to there.
    private Rejection Labelled(Rejection rejection, FaceSearch search, double brightness, int? faceWidth = null, double? sharpness = null)
    {
        var scores = new Dictionary<string, double>(3) { ["brightness"] = Math.Round(brightness, 2) };
        if (faceWidth is { } width)
        {
            scores["faceWidth"] = width;
        }

        if (sharpness is { } value)
        {
            scores["sharpness"] = Math.Round(value, 2);
        }

        return rejection with { Detector = Lineage.For(search), Scores = scores };
    }

    /// <summary>Cuts the bust around <paramref name="face"/> out of <paramref name="image"/> and encodes it at the output size.</summary>
    public BustCrop CropAndEncode(Mat image, Rect face) => _composer.CropAndEncode(image, face);

    public void Dispose()
    {
        _finder.Dispose();
        _detectionImage.Dispose();
        _gates.Dispose();
        _composer.Dispose();
    }
}
