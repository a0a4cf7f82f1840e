using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>Where the face was looked for: recorded in the lineage as the detector's <c>search</c> parameter.</summary>
public enum FaceSearch
{
    /// <summary>Every size everywhere: a station's first frame, or when its face was lost.</summary>
    WholeFrame,

    /// <summary>Near the station's last face, at sizes close to its own.</summary>
    NearLastFace,

    /// <summary>The periodic re-check of the whole frame for a face at least as large as the station's last one.</summary>
    LargerThanLastFace,
}

/// <summary>The face found in a frame, in source pixels, with the figures the quality gates measured.</summary>
public readonly record struct FaceDetection(Rect Face, double Brightness, double Sharpness, FaceSearch Search = FaceSearch.WholeFrame);
