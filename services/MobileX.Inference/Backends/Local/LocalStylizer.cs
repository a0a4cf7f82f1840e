using OpenCvSharp;

namespace MobileX.Inference.Backends.Local;

/// <summary>
/// Deterministic CPU looks built from OpenCV's non-photorealistic filters and a prompt-and-seed palette.
/// This is not Stable Diffusion: it runs anywhere, needs no weights, and the same inputs give the same bytes.
/// </summary>
internal static class LocalStylizer
{
    public const string Model = "opencv-stylize";

    private static readonly int[] PngParams = [(int)ImwriteFlags.PngCompression, 3];

    /// <summary>Decodes, fits to the size, applies the look and encodes PNG.</summary>
    public static byte[] Render(Img2ImgJob job, CancellationToken cancellationToken)
    {
        using var decoded = Cv2.ImDecode(job.Image, ImreadModes.Color);
        if (decoded.Empty())
        {
            throw new InvalidJobException("image is not a decodable JPEG or PNG.");
        }

        using var source = FitCover(decoded, job.Width, job.Height);
        cancellationToken.ThrowIfCancellationRequested();

        var palette = Palette.From(job.Prompt, job.Seed);
        using var styled = job.Style switch
        {
            Styles.Stylization => Stylization(source, palette),
            Styles.EdgePreserving => EdgePreserving(source, palette),
            _ => Cartoon(source, palette),
        };
        cancellationToken.ThrowIfCancellationRequested();

        using var output = new Mat();
        Cv2.AddWeighted(source, 1 - job.Strength, styled, job.Strength, 0, output);
        Cv2.ImEncode(".png", output, out var png, PngParams);
        return png;
    }

    /// <summary>Scales so the image covers the target, then crops the centre: no bars, no distortion.</summary>
    internal static Mat FitCover(Mat image, int width, int height)
    {
        var scale = Math.Max((double)width / image.Width, (double)height / image.Height);
        var scaledW = Math.Max(width, (int)Math.Ceiling(image.Width * scale));
        var scaledH = Math.Max(height, (int)Math.Ceiling(image.Height * scale));
        var interpolation = scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Cubic;
        using var scaled = new Mat();
        Cv2.Resize(image, scaled, new Size(scaledW, scaledH), 0, 0, interpolation);
        var roi = new Rect((scaledW - width) / 2, (scaledH - height) / 2, width, height);
        using var view = new Mat(scaled, roi);
        return view.Clone();
    }

    // OpenCV's stylization costs seconds at 512x512; at half size (and half sigma_s, the same look) it is 4x cheaper.
    private static Mat Stylization(Mat source, Palette palette) =>
        FilterAtHalfSize(source, source.Size(), (small, painted) => Cv2.Stylization(small, painted, 30, 0.45f), palette, tint: 0.45);

    private static Mat EdgePreserving(Mat source, Palette palette)
    {
        using var smooth = new Mat();
        Cv2.EdgePreservingFilter(source, smooth, EdgePreservingMethods.RecursFilter, 60, 0.4f);
        return FilterAtHalfSize(smooth, source.Size(), (small, detailed) => Cv2.DetailEnhance(small, detailed, 5, 0.15f), palette, tint: 0.35);
    }

    /// <summary>Runs a costly filter at half size, scales its output back to <paramref name="size"/> and tints it.</summary>
    private static Mat FilterAtHalfSize(Mat input, Size size, Action<Mat, Mat> filter, Palette palette, double tint)
    {
        using var small = new Mat();
        using var filtered = new Mat();
        using var full = new Mat();
        Cv2.PyrDown(input, small);
        filter(small, filtered);
        Cv2.Resize(filtered, full, size, 0, 0, InterpolationFlags.Cubic);
        return Tint(full, palette, stepped: false, tint);
    }

    private static Mat Cartoon(Mat source, Palette palette)
    {
        // Bilateral filtering at half size flattens colour regions cheaply before the palette posterizes them.
        using var small = new Mat();
        Cv2.PyrDown(source, small);
        using var a = small.Clone();
        using var b = new Mat();
        for (var i = 0; i < 3; i++)
        {
            Cv2.BilateralFilter(a, b, 9, 40, 7);
            Cv2.BilateralFilter(b, a, 9, 40, 7);
        }

        using var flat = new Mat();
        Cv2.PyrUp(a, flat, source.Size());
        var colored = Tint(flat, palette, stepped: true, tint: 0.65);

        using var gray = new Mat();
        using var blurred = new Mat();
        using var edges = new Mat();
        Cv2.CvtColor(source, gray, ColorConversionCodes.BGR2GRAY);
        Cv2.MedianBlur(gray, blurred, 7);
        Cv2.AdaptiveThreshold(blurred, edges, 255, AdaptiveThresholdTypes.MeanC, ThresholdTypes.BinaryInv, 9, 3);
        var ink = palette.Stops[0];
        colored.SetTo(new Scalar(ink.B / 2, ink.G / 2, ink.R / 2), edges);
        return colored;
    }

    /// <summary>Maps brightness through the palette ramp and blends it over the filtered image.</summary>
    private static Mat Tint(Mat image, Palette palette, bool stepped, double tint)
    {
        using var gray = new Mat();
        using var gray3 = new Mat();
        using var mapped = new Mat();
        using var lut = Mat.FromPixelData(1, 256, MatType.CV_8UC3, palette.Ramp(stepped));
        Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);
        Cv2.CvtColor(gray, gray3, ColorConversionCodes.GRAY2BGR);
        Cv2.LUT(gray3, lut, mapped);
        var result = new Mat();
        Cv2.AddWeighted(image, 1 - tint, mapped, tint, 0, result);
        return result;
    }
}
