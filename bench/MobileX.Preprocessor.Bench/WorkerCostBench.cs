using BenchmarkDotNet.Attributes;
using MobileX.Preprocessor.Imaging;
using OpenCvSharp;

namespace MobileX.Preprocessor.Bench;

/// <summary>
/// Per-frame cost of the worker's image path (decode, detect, crop, resize, encode) against the bare minimum any
/// preprocessor pays (decode, resize to 512x512, encode) on the same 1280x720 frames. Target: Ratio &lt;= 3.
/// <c>stream</c> is one station's webcam in frame order, as the worker gets it (searched near the last face, and
/// re-checked whole every <see cref="CropOptions.RescanEvery"/> frames); <c>scenes</c> are unrelated frames, each
/// searched whole at every size.
/// </summary>
[MemoryDiagnoser]
public class WorkerCostBench
{
    private const int SceneCount = 8;
    private const int StreamLength = 96;
    private const string Station = "01";
    private static readonly int[] JpegParams = [(int)ImwriteFlags.JpegQuality, 90];

    private byte[][] _frames = [];
    private BustCropper? _cropper;
    private readonly Mat _resized = new();
    private int _next;

    [Params("stream", "scenes")]
    public string Input { get; set; } = "stream";

    [GlobalSetup]
    public void Setup()
    {
        var stream = Input == "stream";
        _frames = stream ? BenchFrames.Stream(StreamLength) : BenchFrames.Create(SceneCount);
        _cropper = new BustCropper(new CropOptions(), stream ? new FaceMemory() : null);
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
            if (cropper.Detect(image!, out var detection, Station) is { } rejection)
            {
                throw new InvalidOperationException(rejection.Detail);
            }

            return cropper.CropAndEncode(image!, detection.Face).Jpeg.Length;
        }
    }

    private byte[] NextFrame() => _frames[_next++ % _frames.Length];
}
