namespace MobileX.Inference.Backends;

/// <summary>Recognises the image formats the adapter accepts and returns, by their signatures.</summary>
internal static class ImageFormats
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Webp = "image/webp";

    public static string? ContentTypeOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }

        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return Webp;
        }

        return null;
    }

    /// <summary>
    /// <see cref="ContentTypeOf"/> of valid base64 text, decoding only its first 16 characters (12 bytes, enough for
    /// every signature) instead of the whole picture.
    /// </summary>
    public static string? ContentTypeOfBase64(ReadOnlySpan<char> base64)
    {
        const int HeadChars = 16;
        Span<char> head = stackalloc char[HeadChars];
        var length = 0;
        foreach (var c in base64)
        {
            // Base64 may be wrapped; white space carries no bytes.
            if (!char.IsWhiteSpace(c))
            {
                head[length++] = c;
                if (length == HeadChars)
                {
                    break;
                }
            }
        }

        Span<byte> bytes = stackalloc byte[HeadChars / 4 * 3];
        return Convert.TryFromBase64Chars(head[..length], bytes, out var written) ? ContentTypeOf(bytes[..written]) : null;
    }

    public static string ExtensionOf(string contentType) => contentType switch
    {
        Jpeg => ".jpg",
        Webp => ".webp",
        _ => ".png",
    };
}
