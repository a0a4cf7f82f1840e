using OpenCvSharp;

namespace MobileX.Capture.Sources;

/// <summary>Frames from a video file, looping at its end, or from a camera by index (through OpenCV).</summary>
internal sealed class VideoFrameSource : IFrameSource
{
    private readonly FrameSourceContext _context;
    private readonly VideoCapture _capture;
    private readonly bool _loop;
    private readonly Mat _raw = new();

    private VideoFrameSource(FrameSourceContext context, VideoCapture capture, bool loop, string description)
    {
        _context = context;
        _capture = capture;
        _loop = loop;
        Description = description;
    }

    public static VideoFrameSource OpenFile(FrameSourceContext context, string file, string description)
    {
        if (!File.Exists(file))
        {
            throw new FrameSourceException(context.Station, description, $"the video file '{file}' does not exist.");
        }

        var capture = new VideoCapture(file);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new FrameSourceException(context.Station, description, $"the video file '{file}' cannot be opened (not a video OpenCV can decode).");
        }

        return new VideoFrameSource(context, capture, loop: true, description);
    }

    public static VideoFrameSource OpenCamera(FrameSourceContext context, int index, string description)
    {
        var capture = new VideoCapture(index);
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new FrameSourceException(context.Station, description, $"camera {index} is absent or busy.");
        }

        capture.Set(VideoCaptureProperties.FrameWidth, context.Width);
        capture.Set(VideoCaptureProperties.FrameHeight, context.Height);
        return new VideoFrameSource(context, capture, loop: false, description);
    }

    public string Description { get; }

    public EncodedFrame Next()
    {
        if (!_capture.Read(_raw) || _raw.Empty())
        {
            if (!_loop || !_capture.Set(VideoCaptureProperties.PosFrames, 0) || !_capture.Read(_raw) || _raw.Empty())
            {
                throw new FrameSourceException(_context.Station, Description, _loop ? "the video yields no frame." : "the camera stopped delivering frames.");
            }
        }

        using var frame = FrameEncoder.Fill(_raw, _context.Width, _context.Height);
        return FrameEncoder.Encode(frame, _context.JpegQuality);
    }

    public void Dispose()
    {
        _raw.Dispose();
        _capture.Dispose();
    }
}
