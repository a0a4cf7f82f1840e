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

            using var picture = Cv2.ImRead(file, ImreadModes.Color);
            if (picture.Empty())
            {
                _unreadable.Add(file);
                context.ImageSkipped(file);
                continue;
            }

            using var frame = FrameEncoder.Fill(picture, context.Width, context.Height);
            return FrameEncoder.Encode(frame, context.JpegQuality);
        }
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
