using BenchmarkDotNet.Attributes;
using MobileX.Preprocessor.Imaging;
using OpenCvSharp;

namespace MobileX.Preprocessor.Bench;

/// <summary>
/// Per-frame cost of the worker's image path (decode, detect, crop, resize, encode) against the bare minimum any
/// preprocessor pays (decode, resize to 512x512, encode) on the same 1280x720 frames. Target: Ratio &lt;= 3.
/// </summary>
[MemoryDiagnoser]
public class WorkerCostBench
{
    private const int FrameCount = 8;
    private static readonly int[] JpegParams = [(int)ImwriteFlags.JpegQuality, 90];

    private byte[][] _frames = [];
    private BustCropper? _cropper;
    private readonly Mat _resized = new();
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _frames = BenchFrames.Create(FrameCount);
        _cropper = new BustCropper(new CropOptions());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cropper?.Dispose();
        _resized.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bare decode+resize+encode")]
    public int Bare()
    {
        using var image = Cv2.ImDecode(NextFrame(), ImreadModes.Color);
        Cv2.Resize(image, _resized, new Size(512, 512), interpolation: InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", _resized, out var jpeg, JpegParams);
        return jpeg.Length;
    }

    [Benchmark(Description = "worker decode+detect+crop+encode")]
    public int Worker()
    {
        var cropper = _cropper!;
        if (cropper.Decode(NextFrame(), out var image) is { } decodeRejection)
        {
            throw new InvalidOperationException(decodeRejection.Detail);
        }

        using (image)
        {
            if (cropper.Detect(image!, out var detection) is { } rejection)
            {
                throw new InvalidOperationException(rejection.Detail);
            }

            return cropper.CropAndEncode(image!, detection.Face).Jpeg.Length;
        }
    }

    private byte[] NextFrame() => _frames[_next++ % _frames.Length];
}
