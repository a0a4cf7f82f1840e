using System.Globalization;
using MobileX.Contracts;

namespace MobileX.Preprocessor.Imaging;

/// <summary>The detector as a processed frame's lineage records it: what ran, from which file, with which tuning.</summary>
public sealed class DetectorLineage
{
    // One record per search, indexed by its value, so a frame's lineage costs no allocation.
    private readonly DetectorInfo[] _bySearch;

    internal DetectorLineage(CropOptions options, FaceFinder finder, bool tracking)
    {
        // The file decides the detector, so the lineage names what actually ran, whatever CascadePath points at.
        Name = finder.FeatureType switch
        {
            0 => "opencv-haar-cascade",
            1 => "opencv-lbp-cascade",
            _ => "opencv-hog-cascade",
        };
        Model = Path.GetFileName(options.CascadePath);

        (string Key, object Value)[] tuning =
        [
            ("window", $"{finder.Window.Width}x{finder.Window.Height}"),
            ("verifyModel", string.IsNullOrEmpty(options.VerifyCascadePath) ? "none" : Path.GetFileName(options.VerifyCascadePath)),
            ("verifyScaleFactor", FaceVerifier.ScaleFactor),
            ("verifyMinNeighbors", options.VerifyMinNeighbors),
            ("detectionWidth", options.DetectionWidth),
            ("scaleFactor", options.ScaleFactor),
            ("minNeighbors", options.MinNeighbors),
            ("minDetectionSize", options.MinDetectionSize),
            ("minFaceSize", options.MinFaceSize),
            ("minBrightness", options.MinBrightness),
            ("minSharpness", options.MinSharpness),
            ("marginTop", options.MarginTop),
            ("marginBottom", options.MarginBottom),
            ("marginSide", options.MarginSide),
            ("jpegQuality", options.JpegQuality),
            ("rescanEvery", tracking ? options.RescanEvery : 0),
        ];
        var parameters = new Dictionary<string, string>(tuning.Length + 1);
        foreach (var (key, value) in tuning)
        {
            parameters[key] = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        }

        _bySearch = [.. Enum.GetValues<FaceSearch>().Select(search =>
            new DetectorInfo(Name, Model, new Dictionary<string, string>(parameters) { ["search"] = SearchName(search) }))];
    }

    /// <summary>The detector kind, from the cascade file: <c>opencv-haar-cascade</c> or <c>opencv-lbp-cascade</c>.</summary>
    public string Name { get; }

    /// <summary>The finder cascade's file name.</summary>
    public string Model { get; }

    /// <summary>The detector's tuning for a face found by a whole-frame search.</summary>
    public IReadOnlyDictionary<string, string> Parameters => _bySearch[(int)FaceSearch.WholeFrame].Parameters;

    /// <summary>The detector to record in the lineage of a face found by <paramref name="search"/>.</summary>
    public DetectorInfo For(FaceSearch search) => _bySearch[(int)search];

    /// <summary>The lineage's <c>search</c> parameter: where the face this crop is built on was looked for.</summary>
    public static string SearchName(FaceSearch search) => search switch
    {
        FaceSearch.NearLastFace => "near-last-face",
        FaceSearch.LargerThanLastFace => "larger-than-last-face",
        _ => "whole-frame",
    };
}
