using MobileX.Contracts;

namespace MobileX.Capture.Sources;

/// <summary>A camera-like source of JPEG frames for one station. Not thread-safe: one capture loop reads it.</summary>
public interface IFrameSource : IDisposable
{
    /// <summary>The source as configured, e.g. <c>video:/data/door.mp4</c>, for logs and errors.</summary>
    string Description { get; }

    /// <summary>The next frame, encoded.</summary>
    /// <exception cref="FrameSourceException">The source cannot deliver frames any more.</exception>
    EncodedFrame Next();
}

/// <summary>One encoded frame and its SHA-256 (lowercase hex), as it will be stored.</summary>
public sealed record EncodedFrame(ReadOnlyMemory<byte> Jpeg, int Width, int Height, string Sha256);

/// <summary>What a source needs to know about its station, and where it reports images it had to skip.</summary>
public sealed record FrameSourceContext(StationId Station, int Width, int Height, int JpegQuality, Action<string> ImageSkipped);

/// <summary>A source that cannot be read; the message names the station and the source.</summary>
public sealed class FrameSourceException(StationId station, string source, string problem, Exception? inner = null)
    : Exception($"Station {station} cannot read its source '{source}': {problem}", inner)
{
    public StationId Station { get; } = station;
}
