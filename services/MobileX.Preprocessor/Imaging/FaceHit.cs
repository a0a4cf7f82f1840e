using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>A face on the detection image, with its verifier-to-finder width ratio (1 when no verifier sized it).</summary>
internal readonly record struct FaceHit(Rect Box, double Ratio)
{
    /// <summary>The largest of <paramref name="boxes"/>, which must not be empty; the first of equals, so a frame always gives the same face.</summary>
    public static FaceHit Largest(ReadOnlySpan<Rect> boxes, double ratio)
    {
        var largest = boxes[0];
        foreach (var box in boxes[1..])
        {
            largest = box.Width * box.Height > largest.Width * largest.Height ? box : largest;
        }

        return new FaceHit(largest, ratio);
    }
}
