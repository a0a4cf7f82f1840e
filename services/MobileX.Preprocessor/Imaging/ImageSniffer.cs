using System.Buffers.Binary;

namespace MobileX.Preprocessor.Imaging;

internal enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
}

/// <summary>
/// Reads an encoded image's format, size and completeness from its bytes without decoding it, so an oversized or
/// truncated frame is refused before OpenCV allocates for it (libjpeg decodes a truncated JPEG into a grey-filled image).
/// </summary>
internal static class ImageSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> PngEnd => [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    public static ImageFormat Format(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF ? ImageFormat.Jpeg
        : data.StartsWith(PngSignature) ? ImageFormat.Png
        : ImageFormat.Unknown;

    /// <summary>True when the file ends as its format requires (JPEG EOI marker, PNG IEND chunk).</summary>
    public static bool IsComplete(ReadOnlySpan<byte> data, ImageFormat format) => format switch
    {
        // Entropy-coded JPEG data stuffs every 0xFF, so FF D9 near the end can only be the EOI marker; some encoders pad after it.
        ImageFormat.Jpeg => data[Math.Max(0, data.Length - 64)..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0,
        ImageFormat.Png => data.Length >= 8 + 12 && data[^8..].SequenceEqual(PngEnd),
        _ => true,
    };

    /// <summary>Width and height from the JPEG SOF or PNG IHDR header; false when the header is cut short or absent.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> data, ImageFormat format, out int width, out int height)
    {
        width = height = 0;
        switch (format)
        {
            case ImageFormat.Png when data.Length >= 24:
                width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[16..]), int.MaxValue);
                height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[20..]), int.MaxValue);
                return true;
            case ImageFormat.Jpeg:
                return TryReadJpegSize(data, out width, out height);
            default:
                return false;
        }
    }

    private static bool TryReadJpegSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF)
            {
                return false;
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                i += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (i + 9 > data.Length)
                {
                    return false;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
                return true;
            }

            i += 2 + length;
        }

        return false;
    }
}
