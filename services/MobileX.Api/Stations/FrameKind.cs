namespace MobileX.Api.Stations;

/// <summary>Which copy of a frame: as captured (<c>station-NN</c>) or the bust crop (<c>processed</c>).</summary>
public enum FrameKind
{
    Raw,
    Processed,
}

internal static class FrameKinds
{
    public static bool TryParse(string? text, out FrameKind kind)
    {
        switch (text)
        {
            case null or "" or "processed":
                kind = FrameKind.Processed;
                return true;
            case "raw":
                kind = FrameKind.Raw;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}
