using System.ComponentModel.DataAnnotations;

namespace MobileX.Preprocessor;

/// <summary>How the worker consumes frames and crops busts; bound from <c>Preprocessor</c> and validated at start-up.</summary>
public sealed class PreprocessorOptions
{
    public const string SectionName = "Preprocessor";

    /// <summary>Delays of the start-up retries (streams, bucket, consumer), as <c>MobileX.Resilience.RetryOptions</c>.</summary>
    public const string StartupSectionName = "Preprocessor:Startup";

    /// <summary>Durable pull consumer on FRAMES that every replica shares.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]+$", ErrorMessage = "Preprocessor:ConsumerName must be letters, digits, '-' or '_'.")]
    public string ConsumerName { get; set; } = "preprocessor";

    /// <summary>Deliveries of one message before it is dead-lettered.</summary>
    [Range(1, 100, ErrorMessage = "Preprocessor:MaxDeliver must be 1 to 100.")]
    public int MaxDeliver { get; set; } = 5;

    /// <summary>How long a delivered frame may stay unacked before JetStream gives it to another replica.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Preprocessor:AckWait must be between 1 second and 10 minutes.")]
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    // The nak delays after a transient fault (RetryDelay, MaxRetryDelay) are read from this same section as
    // MobileX.Resilience.RetryOptions, and the start-up retries from StartupSectionName; see PreprocessorExtensions.

    /// <summary>Consumer loops per process, each with its own detector; replicas add more.</summary>
    [Range(1, 16, ErrorMessage = "Preprocessor:ConsumerLoops must be 1 to 16.")]
    public int ConsumerLoops { get; set; } = 2;

    /// <summary>Messages each loop pulls ahead; small, so a dying replica strands few frames.</summary>
    [Range(1, 100, ErrorMessage = "Preprocessor:PrefetchPerLoop must be 1 to 100.")]
    public int PrefetchPerLoop { get; set; } = 2;

    public CropOptions Crop { get; set; } = new();
}

/// <summary>Detection, quality gates and bust composition; bound from <c>Preprocessor:Crop</c>.</summary>
public sealed class CropOptions
{
    /// <summary>
    /// OpenCV's frontal-face LBP cascade: about 8x cheaper than <c>haarcascade_frontalface_default</c> at the same
    /// recall on the placement tests (bench/README.md, <c>sweep</c>). <c>lbpcascade_frontalface_improved</c> boxes
    /// only the inner face (about 0.7x the width), which would shift what <see cref="MinFaceSize"/> means.
    /// </summary>
    public const string DefaultCascadePath = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml";

    /// <summary>OpenCV Haar or LBP cascade file (Debian/Ubuntu package <c>opencv-data</c>); the lineage records which.</summary>
    [Required]
    public string CascadePath { get; set; } = DefaultCascadePath;

    public const string DefaultVerifyCascadePath = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

    /// <summary>Cascade that re-checks each candidate around its own box; empty to trust <see cref="CascadePath"/> alone.</summary>
    public string VerifyCascadePath { get; set; } = DefaultVerifyCascadePath;

    [Range(1, 20, ErrorMessage = "Preprocessor:Crop:VerifyMinNeighbors must be 1 to 20.")]
    public int VerifyMinNeighbors { get; set; } = 3;

    /// <summary>Width the frame is shrunk to before detection; faces are mapped back to full resolution.</summary>
    [Range(160, 4096, ErrorMessage = "Preprocessor:Crop:DetectionWidth must be 160 to 4096 pixels.")]
    public int DetectionWidth { get; set; } = 640;

    [Range(1.01, 2.0, ErrorMessage = "Preprocessor:Crop:ScaleFactor must be 1.01 to 2.0.")]
    public double ScaleFactor { get; set; } = 1.1;

    [Range(1, 20, ErrorMessage = "Preprocessor:Crop:MinNeighbors must be 1 to 20.")]
    public int MinNeighbors { get; set; } = 2;

    /// <summary>Smallest face the detector looks for, in detection pixels.</summary>
    [Range(12, 512, ErrorMessage = "Preprocessor:Crop:MinDetectionSize must be 12 to 512 pixels.")]
    public int MinDetectionSize { get; set; } = 24;

    /// <summary>Faces narrower than this in source pixels are rejected as <c>face-too-small</c>.</summary>
    [Range(1, 4096, ErrorMessage = "Preprocessor:Crop:MinFaceSize must be 1 to 4096 pixels.")]
    public int MinFaceSize { get; set; } = 80;

    /// <summary>Mean grey level (0-255) below which a frame is <c>too-dark</c>.</summary>
    [Range(0, 255, ErrorMessage = "Preprocessor:Crop:MinBrightness must be 0 to 255.")]
    public double MinBrightness { get; set; } = 40;

    /// <summary>Variance of the Laplacian of the face (normalised to 128x128) below which it is <c>too-blurred</c>.</summary>
    [Range(0, 10000, ErrorMessage = "Preprocessor:Crop:MinSharpness must be 0 to 10000.")]
    public double MinSharpness { get; set; } = 30;

    /// <summary>
    /// A station's frames are searched near its last face, and every this many frames the whole frame is searched
    /// again for a face at least as large; a frame where neither finds a face is searched whole at every size. 0 searches
    /// every frame whole at every size. See <see cref="Imaging.FaceMemory"/>.
    /// </summary>
    [Range(0, 1000, ErrorMessage = "Preprocessor:Crop:RescanEvery must be 0 (no tracking) to 1000 frames.")]
    public int RescanEvery { get; set; } = 8;

    /// <summary>A last face older than this is not searched around: the person may have moved anywhere.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Preprocessor:Crop:TrackMaxAge must be between 0 and 10 minutes.")]
    public TimeSpan TrackMaxAge { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Frames with more pixels are refused before decoding (<c>too-many-pixels</c>).</summary>
    [Range(1L, 1L << 30, ErrorMessage = "Preprocessor:Crop:MaxPixels must be 1 to 1073741824.")]
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Space above the face, as a fraction of the face height.</summary>
    [Range(0.0, 3.0, ErrorMessage = "Preprocessor:Crop:MarginTop must be 0 to 3.")]
    public double MarginTop { get; set; } = 0.6;

    /// <summary>Space below the face for neck and shoulders, as a fraction of the face height.</summary>
    [Range(0.0, 5.0, ErrorMessage = "Preprocessor:Crop:MarginBottom must be 0 to 5.")]
    public double MarginBottom { get; set; } = 1.4;

    /// <summary>Space each side of the face, as a fraction of the face width; the wider of height and width wins.</summary>
    [Range(0.0, 5.0, ErrorMessage = "Preprocessor:Crop:MarginSide must be 0 to 5.")]
    public double MarginSide { get; set; } = 1.0;

    /// <summary>Output side in pixels: a Stable Diffusion size, 512, 768 or 1024.</summary>
    public int OutputSize { get; set; } = 512;

    [Range(50, 100, ErrorMessage = "Preprocessor:Crop:JpegQuality must be 50 to 100.")]
    public int JpegQuality { get; set; } = 90;
}
