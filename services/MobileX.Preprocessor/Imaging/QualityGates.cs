using MobileX.Contracts;
using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// The brightness, face-size and sharpness gates: a frame that fails one would make a poor avatar, so it is rejected
/// with the reason rather than cropped. Owns the buffers sharpness is measured in: one per loop.
/// </summary>
internal sealed class QualityGates(CropOptions options) : IDisposable
{
    // Sharpness is measured on the face at this side, so the figure means the same for a near face and a far one.
    private const int SharpnessSide = 128;

    private readonly Mat _faceGrey = new();
    private readonly Mat _faceNormalised = new();
    private readonly Mat _laplacian = new();

    /// <summary>Mean grey level of the detection image; a dark frame is refused before any face is searched for.</summary>
    public Rejection? Brightness(Mat grey, out double brightness)
    {
        brightness = Cv2.Mean(grey).Val0;
        return brightness < options.MinBrightness
            ? new Rejection(RejectionReasons.TooDark, $"Mean brightness {brightness:F1} is below Preprocessor:Crop:MinBrightness {options.MinBrightness}.")
            : null;
    }

    /// <summary>The face's width in source pixels against <see cref="CropOptions.MinFaceSize"/>.</summary>
    public Rejection? FaceSize(Rect face) =>
        face.Width < options.MinFaceSize
            ? new Rejection(RejectionReasons.FaceTooSmall, $"The largest face is {face.Width} px wide, below Preprocessor:Crop:MinFaceSize {options.MinFaceSize}.")
            : null;

    /// <summary>Variance of the Laplacian of the face in <paramref name="image"/>, against <see cref="CropOptions.MinSharpness"/>.</summary>
    public Rejection? Sharpness(Mat image, Rect face, out double sharpness)
    {
        using (var faceRoi = new Mat(image, face))
        {
            Cv2.CvtColor(faceRoi, _faceGrey, ColorConversionCodes.BGR2GRAY);
        }

        Cv2.Resize(_faceGrey, _faceNormalised, new Size(SharpnessSide, SharpnessSide), interpolation: InterpolationFlags.Area);
        Cv2.Laplacian(_faceNormalised, _laplacian, MatType.CV_64F);
        Cv2.MeanStdDev(_laplacian, out _, out var stddev);
        sharpness = stddev.Val0 * stddev.Val0;
        return sharpness < options.MinSharpness
            ? new Rejection(RejectionReasons.TooBlurred, $"Face sharpness {sharpness:F1} is below Preprocessor:Crop:MinSharpness {options.MinSharpness}.")
            : null;
    }

    public void Dispose()
    {
        _faceGrey.Dispose();
        _faceNormalised.Dispose();
        _laplacian.Dispose();
    }
}
