using MobileX.Testing;
using MobileX.Preprocessor.Imaging;
using OpenCvSharp;

namespace MobileX.Preprocessor.Bench;

/// <summary>1280x720 JPEG frames with the astronaut portrait at several places and sizes, as a station would send them.</summary>
internal static class BenchFrames
{
    /// <summary>Frames the worker accepts (a face is found and passes the gates), so every one is processed, none rejected.</summary>
    public static byte[][] Create(int count)
    {
        using var portrait = Cv2.ImRead(RepositoryPaths.TestImage("astronaut.png"), ImreadModes.Color);
        using var cropper = new BustCropper(new CropOptions());
        var frames = new List<byte[]>(count);
        var random = new Random(42);
        while (frames.Count < count)
        {
            using var frame = new Mat(720, 1280, MatType.CV_8UC3);
            Cv2.Randu(frame, new Scalar(90, 90, 90), new Scalar(130, 130, 130));
            Cv2.GaussianBlur(frame, frame, new Size(0, 0), 3);
            var scale = 0.8 + (random.NextDouble() * 0.5);
            using var scaled = new Mat();
            Cv2.Resize(portrait, scaled, new Size(0, 0), scale, scale, InterpolationFlags.Area);
            var x = random.Next(0, 1280 - scaled.Width);
            var y = random.Next(0, 720 - scaled.Height);
            using (var target = new Mat(frame, new Rect(x, y, scaled.Width, scaled.Height)))
            {
                scaled.CopyTo(target);
            }

            Cv2.ImEncode(".jpg", frame, out var jpeg, [(int)ImwriteFlags.JpegQuality, 90]);
            if (cropper.Decode(jpeg, out var image) is null)
            {
                using (image)
                {
                    if (cropper.Detect(image!, out _) is null)
                    {
                        frames.Add(jpeg);
                    }
                }
            }
        }

        return [.. frames];
    }

    /// <summary>
    /// One station's webcam: the portrait drifts and breathes in size over a fixed background, frame after frame, with
    /// fresh sensor noise in each. This is what the worker sees from a station, and what its face memory is built for.
    /// </summary>
    public static byte[][] Stream(int count)
    {
        using var portrait = Cv2.ImRead(RepositoryPaths.TestImage("astronaut.png"), ImreadModes.Color);
        using var background = new Mat(720, 1280, MatType.CV_8UC3);
        Cv2.Randu(background, new Scalar(60, 60, 60), new Scalar(170, 170, 170));
        Cv2.GaussianBlur(background, background, new Size(0, 0), 6);
        using var noise = new Mat(720, 1280, MatType.CV_8UC3);
        var frames = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            using var frame = background.Clone();
            var scale = 1.0 + (0.1 * Math.Sin(i * 0.07));
            using var scaled = new Mat();
            Cv2.Resize(portrait, scaled, new Size(0, 0), scale, scale, InterpolationFlags.Area);
            var x = (int)(380 + (220 * Math.Sin(i * 0.05)));
            var y = (int)(80 + (40 * Math.Sin(i * 0.09)));
            using (var target = new Mat(frame, new Rect(x, y, scaled.Width, scaled.Height)))
            {
                scaled.CopyTo(target);
            }

            Cv2.Randn(noise, new Scalar(8, 8, 8), new Scalar(4, 4, 4));
            Cv2.Add(frame, noise, frame);
            Cv2.Subtract(frame, new Scalar(8, 8, 8), frame);
            Cv2.ImEncode(".jpg", frame, out frames[i], [(int)ImwriteFlags.JpegQuality, 90]);
        }

        return frames;
    }
}
