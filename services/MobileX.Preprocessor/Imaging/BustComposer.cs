using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>An encoded bust crop and where it came from in the source.</summary>
public sealed record BustCrop(byte[] Jpeg, Rect Face, Rect CropBox, int Size);

/// <summary>Cuts the head-and-shoulders square around a face and encodes it; reuses its buffers, so one per loop.</summary>
internal sealed class BustComposer(CropOptions options) : IDisposable
{
    private const string JpegExtension = ".jpg";
    private static readonly Scalar PadColour = new(127, 127, 127);

    private readonly int[] _jpegParams = [(int)ImwriteFlags.JpegQuality, options.JpegQuality];
    private readonly Mat _padded = new();
    private readonly Mat _output = new();

    /// <summary>The square head-and-shoulders box around a face, shifted into the frame where it fits and padded where it does not.</summary>
    public static Rect BustBox(Rect face, Size frame, CropOptions options)
    {
        var side = (int)Math.Ceiling(Math.Max(
            face.Height * (1 + options.MarginTop + options.MarginBottom),
            face.Width * (1 + (2 * options.MarginSide))));
        var x = face.X + (face.Width / 2) - (side / 2);
        var y = face.Y - (int)Math.Round(face.Height * options.MarginTop);
        return new Rect(Fit(x, side, frame.Width), Fit(y, side, frame.Height), side, side);

        // Slide the box back inside the frame when it is small enough; a larger box stays centred and gets padded,
        // so the crop stays square and the face undistorted.
        static int Fit(int start, int length, int limit) =>
            length <= limit ? Math.Clamp(start, 0, limit - length) : start;
    }

    /// <summary>Cuts the bust out of <paramref name="image"/>, pads what lies outside it, resizes to the output size and encodes JPEG.</summary>
    public BustCrop CropAndEncode(Mat image, Rect face)
    {
        var box = BustBox(face, image.Size(), options);
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

        var size = options.OutputSize;
        // Area averaging when shrinking avoids aliasing; cubic when enlarging keeps a small face from going blocky.
        Cv2.Resize(source, _output, new Size(size, size), interpolation: box.Width > size ? InterpolationFlags.Area : InterpolationFlags.Cubic);
        Cv2.ImEncode(JpegExtension, _output, out var jpeg, _jpegParams);
        return new BustCrop(jpeg, face, box, size);
    }

    public void Dispose()
    {
        _padded.Dispose();
        _output.Dispose();
    }
}
