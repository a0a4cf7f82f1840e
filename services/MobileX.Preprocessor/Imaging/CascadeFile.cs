using OpenCvSharp;

namespace MobileX.Preprocessor.Imaging;

/// <summary>Loading OpenCV cascade files, for the detector and for the options validator that checks them at start-up.</summary>
internal static class CascadeFile
{
    /// <summary>
    /// Loads the cascade at <paramref name="path"/>, or throws naming <paramref name="setting"/>. The validator refuses
    /// such a file at start-up; this guards croppers built without it (tests, bench).
    /// </summary>
    public static CascadeClassifier Load(string path, string setting)
    {
        var cascade = new CascadeClassifier(path);
        if (cascade.Empty())
        {
            cascade.Dispose();
            throw new InvalidOperationException($"{setting} '{path}' is not a cascade OpenCV can load.");
        }

        return cascade;
    }

    /// <summary>True when <paramref name="path"/> exists and OpenCV loads it as a non-empty cascade.</summary>
    public static bool Loads(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var cascade = new CascadeClassifier();
        try
        {
            return cascade.Load(path) && !cascade.Empty();
        }
        catch (OpenCVException)
        {
            // A file that is not XML at all makes OpenCV's parser throw rather than return false.
            return false;
        }
    }
}
