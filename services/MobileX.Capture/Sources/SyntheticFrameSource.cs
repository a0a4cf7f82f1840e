using OpenCvSharp;

namespace MobileX.Capture.Sources;

/// <summary>
/// Frames composed from sample portraits over a moving background, so downstream face detection sees real faces;
/// every <c>EmptyFrameEvery</c>-th frame shows the background alone. A station renders <c>SyntheticCycleFrames</c>
/// distinct frames on first use and then replays them like a looped clip.
/// </summary>
internal sealed class SyntheticFrameSource : IFrameSource
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

    private readonly FrameSourceContext _context;
    private readonly List<Mat> _samples = [];
    private readonly EncodedFrame?[] _cycle;
    private readonly int _emptyEvery;
    private long _index;

    public SyntheticFrameSource(FrameSourceContext context, string samplesFolder, int cycleFrames, int emptyEvery)
    {
        _context = context;
        _cycle = new EncodedFrame?[cycleFrames];
        _emptyEvery = emptyEvery;
        Description = "synthetic";

        var folder = Path.GetFullPath(samplesFolder);
        if (!Directory.Exists(folder))
        {
            throw new FrameSourceException(context.Station, Description,
                $"the samples folder '{folder}' (setting Capture:SamplesFolder) does not exist; run ./mobilex.sh setup or point Capture:SamplesFolder at a folder of portraits.");
        }

        foreach (var file in Directory.EnumerateFiles(folder).Where(IsImage).Order(StringComparer.Ordinal))
        {
            var sample = Cv2.ImRead(file, ImreadModes.Color);
            if (sample.Empty())
            {
                sample.Dispose();
                context.ImageSkipped(file);
                continue;
            }

            _samples.Add(sample);
        }

        if (_samples.Count == 0)
        {
            throw new FrameSourceException(context.Station, Description,
                $"the samples folder '{folder}' (setting Capture:SamplesFolder) holds no readable image.");
        }
    }

    public string Description { get; }

    public EncodedFrame Next()
    {
        var slot = (int)(_index++ % _cycle.Length);
        return _cycle[slot] ??= Render(slot);
    }

    private EncodedFrame Render(int n)
    {
        var (width, height) = (_context.Width, _context.Height);
        using var frame = new Mat(height, width, MatType.CV_8UC3);
        DrawBackground(frame, n);

        var empty = _emptyEvery > 0 && n % _emptyEvery == _emptyEvery - 1;
        if (!empty)
        {
            var sample = _samples[(n / Math.Max(1, _emptyEvery)) % _samples.Count];
            // The portrait fills most of the frame height and walks across it, as a visitor would.
            var targetHeight = Math.Min(height, (int)(height * 0.8));
            var targetWidth = Math.Min(width, sample.Width * targetHeight / sample.Height);
            using var scaled = sample.Resize(new Size(targetWidth, targetHeight), interpolation: InterpolationFlags.Area);
            var travel = Math.Max(1, width - targetWidth);
            var x = (int)((long)(n * 37 + (_context.Station.Number * 101)) % travel);
            var y = height - targetHeight;
            using var target = new Mat(frame, new Rect(x, y, targetWidth, targetHeight));
            scaled.CopyTo(target);
        }

        return FrameEncoder.Encode(frame, _context.JpegQuality);
    }

    private void DrawBackground(Mat frame, int n)
    {
        // A slowly shifting colour field with moving shapes: enough texture that frames differ, no faces in it.
        var hue = (_context.Station.Number * 23 + n * 3) % 180;
        using (var hsv = new Mat(frame.Rows, frame.Cols, MatType.CV_8UC3, new Scalar(hue, 90, 170)))
        {
            Cv2.CvtColor(hsv, frame, ColorConversionCodes.HSV2BGR);
        }

        for (var i = 0; i < 6; i++)
        {
            var cx = (int)((n * (11 + i * 7) + i * frame.Cols / 6) % frame.Cols);
            var cy = (int)((i * frame.Rows / 6 + n * (5 + i)) % frame.Rows);
            Cv2.Circle(frame, new Point(cx, cy), 20 + i * 12, new Scalar((40 * i) % 255, (90 + 30 * i) % 255, (200 - 25 * i) % 255), -1, LineTypes.AntiAlias);
        }

        Cv2.Rectangle(frame, new Rect((n * 17) % Math.Max(1, frame.Cols - 80), frame.Rows / 10, 80, frame.Rows / 3), new Scalar(60, 60, 60), -1);
    }

    private static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    public void Dispose()
    {
        foreach (var sample in _samples)
        {
            sample.Dispose();
        }
    }
}
