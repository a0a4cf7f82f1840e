using MobileX.Testing;
using OpenCvSharp;

namespace MobileX.Preprocessor.Tests;

/// <summary>Frames built from the shared test photographs: the astronaut portrait placed in a 1280x720 scene, and variants.</summary>
internal static class TestFrames
{
    public const int Width = 1280;
    public const int Height = 720;

    /// <summary>The face in astronaut.png, per the test-data README (OpenCV frontal Haar).</summary>
    public static readonly Rect PortraitFace = new(177, 67, 93, 93);

    private static readonly Lazy<Mat> Portrait = new(() => Cv2.ImRead(RepositoryPaths.TestImage("astronaut.png"), ImreadModes.Color));

    /// <summary>A textured background with the portrait scaled by <paramref name="scale"/> and its top-left at (x, y), cut at the frame edges.</summary>
    public static Mat Scene(int x, int y, double scale, out Rect faceInFrame)
    {
        var frame = Background();
        using var portrait = new Mat();
        Cv2.Resize(Portrait.Value, portrait, new Size(0, 0), scale, scale, scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Cubic);
        var target = new Rect(x, y, portrait.Width, portrait.Height) & new Rect(0, 0, Width, Height);
        using (var src = new Mat(portrait, new Rect(target.X - x, target.Y - y, target.Width, target.Height)))
        using (var dst = new Mat(frame, target))
        {
            src.CopyTo(dst);
        }

        faceInFrame = new Rect(
            x + (int)Math.Round(PortraitFace.X * scale), y + (int)Math.Round(PortraitFace.Y * scale),
            (int)Math.Round(PortraitFace.Width * scale), (int)Math.Round(PortraitFace.Height * scale)) & new Rect(0, 0, Width, Height);
        return frame;
    }

    public static byte[] Jpeg(Mat image, int quality = 90)
    {
        Cv2.ImEncode(".jpg", image, out var bytes, [(int)ImwriteFlags.JpegQuality, quality]);
        return bytes;
    }

    public static byte[] FaceJpeg(int x = 400, int y = 100, double scale = 1.0)
    {
        using var scene = Scene(x, y, scale, out _);
        return Jpeg(scene);
    }

    /// <summary>One of the shared negatives (camera, coffee, chelsea) as a JPEG.</summary>
    public static byte[] PhotoJpeg(string name)
    {
        using var image = Cv2.ImRead(RepositoryPaths.TestImage(name), ImreadModes.Color);
        return Jpeg(image);
    }

    /// <summary>A black JPEG of the given size; black compresses to almost nothing, so huge frames stay small on disk.</summary>
    public static byte[] BlankJpeg(int width, int height)
    {
        using var image = new Mat(height, width, MatType.CV_8UC3, Scalar.Black);
        return Jpeg(image, 50);
    }

    /// <summary>A second, unrelated person: the portrait pasted into <paramref name="frame"/> (inside it) at (x, y), scaled.</summary>
    public static Rect AddPerson(Mat frame, int x, int y, double scale)
    {
        using var portrait = new Mat();
        Cv2.Resize(Portrait.Value, portrait, new Size(0, 0), scale, scale, scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Cubic);
        using (var dst = new Mat(frame, new Rect(x, y, portrait.Width, portrait.Height)))
        {
            portrait.CopyTo(dst);
        }

        return new Rect(x + (int)Math.Round(PortraitFace.X * scale), y + (int)Math.Round(PortraitFace.Y * scale),
            (int)Math.Round(PortraitFace.Width * scale), (int)Math.Round(PortraitFace.Height * scale));
    }

    /// <summary>The scene's background with nobody in it.</summary>
    public static Mat Empty() => Background();

    private static Mat Background()
    {
        // A smooth gradient with mild noise looks more like a room than a flat colour, and gives the detector nothing to find.
        var frame = new Mat(Height, Width, MatType.CV_8UC3);
        using var column = new Mat(Height, 1, MatType.CV_8UC1);
        for (var row = 0; row < Height; row++)
        {
            column.Set(row, 0, (byte)(90 + (row * 80 / Height)));
        }

        using var gradient = new Mat();
        Cv2.Resize(column, gradient, new Size(Width, Height), interpolation: InterpolationFlags.Nearest);

        using var noise = new Mat(Height, Width, MatType.CV_8UC1);
        Cv2.Randu(noise, new Scalar(0), new Scalar(20));
        Cv2.Add(gradient, noise, gradient);
        Cv2.Merge([gradient, gradient, gradient], frame);
        return frame;
    }
}
