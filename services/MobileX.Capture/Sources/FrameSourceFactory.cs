using MobileX.Capture;
using System.Globalization;
using MobileX.Capture.Stations;
using MobileX.Contracts;

namespace MobileX.Capture.Sources;

/// <summary>Parses a source setting (<c>synthetic</c>, <c>images:</c>, <c>video:</c>, <c>camera:</c>) and opens it.</summary>
public static class FrameSourceFactory
{
    public const string Synthetic = "synthetic";
    public const string Images = "images:";
    public const string Video = "video:";
    public const string Camera = "camera:";

    /// <summary>Null when <paramref name="source"/> is well formed, else what is wrong with it.</summary>
    public static string? Check(string? source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return "is empty";
        }

        if (source == Synthetic)
        {
            return null;
        }

        if (source.StartsWith(Images, StringComparison.Ordinal) || source.StartsWith(Video, StringComparison.Ordinal))
        {
            return source.Length > source.IndexOf(':', StringComparison.Ordinal) + 1 ? null : $"'{source}' names no path";
        }

        if (source.StartsWith(Camera, StringComparison.Ordinal))
        {
            return int.TryParse(source.AsSpan(Camera.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? null
                : $"'{source}' needs a camera index, e.g. camera:0";
        }

        return $"'{source}' is not a source: use synthetic, images:<folder>, video:<file> or camera:<index>";
    }

    /// <summary>Opens the source of <paramref name="station"/>.</summary>
    /// <exception cref="FrameSourceException">The source cannot be read; the message names the station and the source.</exception>
    public static IFrameSource Open(StationId station, CaptureOptions options, Action<string> imageSkipped)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = options.SourceFor(station.ToString());
        var context = new FrameSourceContext(station, options.Width, options.Height, options.JpegQuality, imageSkipped);
        if (Check(source) is { } problem)
        {
            throw new FrameSourceException(station, source, problem);
        }

        if (source == Synthetic)
        {
            return new SyntheticFrameSource(context, options.SamplesFolder, options.SyntheticCycleFrames, options.EmptyFrameEvery);
        }

        if (source.StartsWith(Images, StringComparison.Ordinal))
        {
            return new ImageFolderFrameSource(context, Path.GetFullPath(source[Images.Length..]), source);
        }

        if (source.StartsWith(Video, StringComparison.Ordinal))
        {
            return VideoFrameSource.OpenFile(context, Path.GetFullPath(source[Video.Length..]), source);
        }

        return VideoFrameSource.OpenCamera(context, int.Parse(source.AsSpan(Camera.Length), CultureInfo.InvariantCulture), source);
    }
}
