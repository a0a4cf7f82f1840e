using System.Security.Cryptography;
using OpenCvSharp;

namespace MobileX.Capture.Sources;

/// <summary>Fits pictures to the station's resolution and encodes them as JPEG with their SHA-256.</summary>
internal static class FrameEncoder
{
    public static EncodedFrame Encode(Mat frame, int quality)
    {
        var jpeg = frame.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return new EncodedFrame(jpeg, frame.Width, frame.Height, Convert.ToHexStringLower(SHA256.HashData(jpeg)));
    }

    /// <summary>Scales <paramref name="picture"/> to fill width x height exactly (cropping the overflow, keeping the aspect).</summary>
    public static Mat Fill(Mat picture, int width, int height)
    {
        if (picture.Width == width && picture.Height == height)
        {
            return picture.Clone();
        }

        var scale = Math.Max((double)width / picture.Width, (double)height / picture.Height);
        using var scaled = picture.Resize(new Size(Math.Max(width, (int)Math.Ceiling(picture.Width * scale)), Math.Max(height, (int)Math.Ceiling(picture.Height * scale))),
            interpolation: scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Linear);
        var x = (scaled.Width - width) / 2;
        var y = (scaled.Height - height) / 2;
        return new Mat(scaled, new Rect(x, y, width, height)).Clone();
    }
}
