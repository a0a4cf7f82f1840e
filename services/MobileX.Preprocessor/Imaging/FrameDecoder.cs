using MobileX.Contracts;
using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>Turns an encoded frame into a BGR image, or says why it cannot be one.</summary>
internal sealed class FrameDecoder(CropOptions options)
{
    /// <summary>Checks and decodes an encoded frame; on success <paramref name="image"/> is a BGR Mat the caller disposes.</summary>
    public Rejection? Decode(ReadOnlySpan<byte> data, out Mat? image)
    {
        image = null;
        if (data.IsEmpty)
        {
            return new Rejection(RejectionReasons.EmptyObject, "The object is 0 bytes long.");
        }

        // Size and completeness are read from the header first, so OpenCV never allocates for an oversized frame
        // and never hands back the grey-filled image libjpeg makes of a truncated one.
        var format = ImageSniffer.Format(data);
        if (format != ImageFormat.Unknown)
        {
            if (!ImageSniffer.TryReadSize(data, format, out var width, out var height))
            {
                return new Rejection(RejectionReasons.TruncatedImage, $"The {format} header ends before the image size ({data.Length} bytes).");
            }

            if (TooManyPixels(width, height) is { } tooMany)
            {
                return tooMany;
            }

            if (!ImageSniffer.IsComplete(data, format))
            {
                return new Rejection(RejectionReasons.TruncatedImage, $"The {format} data ends before its end marker ({data.Length} bytes).");
            }
        }

        var decoded = Cv2.ImDecode(data, ImreadModes.Color);
        if (decoded.Empty())
        {
            decoded.Dispose();
            return format == ImageFormat.Unknown
                ? new Rejection(RejectionReasons.NotAnImage, $"The {data.Length} bytes are not an image format OpenCV decodes.")
                : new Rejection(RejectionReasons.NotAnImage, $"The {format} data is corrupt and could not be decoded.");
        }

        // Formats the sniffer cannot read a size from are measured only once decoded.
        if (TooManyPixels(decoded.Width, decoded.Height) is { } overLimit)
        {
            decoded.Dispose();
            return overLimit;
        }

        image = decoded;
        return null;
    }

    private Rejection? TooManyPixels(int width, int height) =>
        (long)width * height > options.MaxPixels
            ? new Rejection(RejectionReasons.TooManyPixels, $"{width}x{height} is {(long)width * height} pixels, over Preprocessor:Crop:MaxPixels {options.MaxPixels}.")
            : null;
}
