using OpenCvSharp;

namespace MobileX.Capture.Sources;

/// <summary>
/// Frames from the pictures in a folder, in name order, looping. A picture that does not decode is skipped and
/// counted once; the folder is listed again on every pass, so pictures dropped into it later are picked up.
/// </summary>
internal sealed class ImageFolderFrameSource(FrameSourceContext context, string folder, string description) : IFrameSource
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"];

    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);
    private string[] _files = [];
    private int _next;

    public string Description { get; } = description;

    public EncodedFrame Next()
    {
        // At most one full pass: if nothing in it decodes, the source is unusable.
        for (var tried = 0; ; tried++)
        {
            if (_next >= _files.Length)
            {
                _files = List();
                _next = 0;
                if (tried > _files.Length)
                {
                    throw new FrameSourceException(context.Station, Description, $"the folder '{folder}' holds no readable image.");
                }
            }

            var file = _files[_next++];
            if (_unreadable.Contains(file))
            {
                continue;
            }

            using var picture = Decode(file);
            if (picture is null || picture.Empty())
            {
                _unreadable.Add(file);
                context.ImageSkipped(file);
                continue;
            }

            using var frame = FrameEncoder.Fill(picture, context.Width, context.Height);
            return FrameEncoder.Encode(frame, context.JpegQuality);
        }
    }

    /// <summary>
    /// The picture, or null when it is unreadable. A JPEG cut short still decodes in OpenCV (the missing rows come out
    /// grey), so a JPEG without its end-of-image marker counts as corrupt too.
    /// </summary>
    private static Mat? Decode(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException)
        {
            return null;
        }

        if (bytes.Length == 0 || (IsJpeg(bytes) && !HasJpegEnd(bytes)))
        {
            return null;
        }

        return Cv2.ImDecode(bytes, ImreadModes.Color);
    }

    private static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes is [0xFF, 0xD8, ..];

    private static bool HasJpegEnd(ReadOnlySpan<byte> bytes)
    {
        // Some encoders pad after the marker; a few bytes of slack is plenty.
        var tail = bytes[Math.Max(0, bytes.Length - 32)..];
        return tail.IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
    }

    private string[] List()
    {
        if (!Directory.Exists(folder))
        {
            throw new FrameSourceException(context.Station, Description, $"the folder '{folder}' does not exist.");
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return files.Length > 0
            ? files
            : throw new FrameSourceException(context.Station, Description, $"the folder '{folder}' holds no image files.");
    }

    public void Dispose()
    {
    }
}
