using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>
/// The shrunk grey copy of a frame that brightness is measured on and the cascades search. Cascade cost grows with
/// the pixels searched, so a webcam frame is searched at <see cref="CropOptions.DetectionWidth"/> and faces are
/// mapped back with <see cref="Scale"/>. Its buffers are reused frame after frame: one per loop.
/// </summary>
internal sealed class DetectionImage(int detectionWidth) : IDisposable
{
    private readonly Mat _small = new();
    private readonly Mat _grey = new();
    private readonly Mat _equalised = new();

    /// <summary>Detection pixels per source pixel of the last frame shrunk; 1 for a frame already narrow enough.</summary>
    public double Scale { get; private set; } = 1.0;

    /// <summary>The last frame shrunk, in grey, before equalisation: what brightness is measured on.</summary>
    public Mat Grey => _grey;

    /// <summary><see cref="Grey"/> histogram-equalised by <see cref="Equalise"/>: what the cascades search.</summary>
    public Mat Equalised => _equalised;

    /// <summary>Shrinks <paramref name="image"/> to the detection width (never enlarges it) into <see cref="Grey"/>.</summary>
    public void Shrink(Mat image)
    {
        Scale = Math.Min(1.0, (double)detectionWidth / image.Width);
        if (Scale < 1.0)
        {
            var size = new Size(Math.Max(1, (int)Math.Round(image.Width * Scale)), Math.Max(1, (int)Math.Round(image.Height * Scale)));
            Cv2.Resize(image, _small, size, interpolation: InterpolationFlags.Area);
            Cv2.CvtColor(_small, _grey, ColorConversionCodes.BGR2GRAY);
        }
        else
        {
            Cv2.CvtColor(image, _grey, ColorConversionCodes.BGR2GRAY);
        }
    }

    /// <summary>Fills <see cref="Equalised"/>; separate from <see cref="Shrink"/> so a frame too dark to use skips it.</summary>
    public void Equalise() => Cv2.EqualizeHist(_grey, _equalised);

    public void Dispose()
    {
        _small.Dispose();
        _grey.Dispose();
        _equalised.Dispose();
    }
}
