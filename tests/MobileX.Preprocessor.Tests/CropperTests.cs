using MobileX.Contracts;
using MobileX.Preprocessor.Imaging;
using OpenCvSharp;

namespace MobileX.Preprocessor.Tests;

/// <summary>Detection, bust composition and the quality gates, on frames built from the shared photographs.</summary>
public sealed class CropperTests : IDisposable
{
    private readonly BustCropper _cropper = new(new CropOptions());

    public static TheoryData<int, int, double> Placements => new()
    {
        { 520, 180, 1.0 },   // centred
        { 0, 0, 0.9 },       // top-left corner
        { 700, 150, 1.2 },   // right, larger
        { -150, 120, 1.0 },  // shoulders off the left edge
        { 900, 300, 1.0 },   // off the right and bottom edges
        { 300, -60, 1.6 },   // head near the top: the bust box needs padding
        { 100, 260, 1.4 },   // low and large: shoulders cut by the bottom edge
    };

    [Theory]
    [MemberData(nameof(Placements))]
    public void The_crop_is_square_at_the_output_size_and_holds_the_whole_face(int x, int y, double scale)
    {
        using var scene = TestFrames.Scene(x, y, scale, out var expectedFace);
        var jpeg = TestFrames.Jpeg(scene);

        Assert.Null(_cropper.Decode(jpeg, out var image));
        using (image)
        {
            var rejection = _cropper.Detect(image!, out var detection);
            Assert.Null(rejection);
            var overlap = Area(detection.Face & expectedFace);
            Assert.True(overlap >= 0.5 * Area(expectedFace), $"Detected {detection.Face}, expected about {expectedFace}.");

            var crop = _cropper.CropAndEncode(image!, detection.Face);
            Assert.Equal(crop.CropBox.Width, crop.CropBox.Height);
            Assert.True(Contains(crop.CropBox, expectedFace), $"Crop {crop.CropBox} does not hold the face {expectedFace}.");
            Assert.True(Contains(crop.CropBox, detection.Face), $"Crop {crop.CropBox} does not hold the detected face {detection.Face}.");

            using var output = Cv2.ImDecode(crop.Jpeg, ImreadModes.Color);
            Assert.Equal(512, output.Width);
            Assert.Equal(512, output.Height);
        }
    }

    [Theory]
    [InlineData(768)]
    [InlineData(1024)]
    public void The_output_size_is_configurable(int size)
    {
        using var cropper = new BustCropper(new CropOptions { OutputSize = size });
        Assert.Null(cropper.Decode(TestFrames.FaceJpeg(), out var image));
        using (image)
        {
            Assert.Null(cropper.Detect(image!, out var detection));
            using var output = Cv2.ImDecode(cropper.CropAndEncode(image!, detection.Face).Jpeg, ImreadModes.Color);
            Assert.Equal(new Size(size, size), output.Size());
        }
    }

    [Fact]
    public void A_face_at_the_edge_is_padded_not_distorted()
    {
        var box = BustComposer.BustBox(new Rect(1180, 10, 100, 100), new Size(1280, 720), new CropOptions());

        // 100 px face with margins 0.6 + 1.4 top/bottom and 1.0 each side: a 300 px square, slid left to fit.
        Assert.Equal(new Rect(980, 0, 300, 300), box);
        var tall = BustComposer.BustBox(new Rect(600, 300, 400, 400), new Size(1280, 720), new CropOptions());
        Assert.Equal(1200, tall.Width);
        Assert.True(tall.Y < 0 || tall.Bottom > 720, "A box taller than the frame must reach past it (padding), not shrink.");
    }

    [Theory]
    [InlineData("/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml", "opencv-lbp-cascade")]
    [InlineData("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml", "opencv-haar-cascade")]
    public void The_lineage_names_the_cascade_that_ran_and_both_kinds_find_the_portrait(string path, string name)
    {
        using var cropper = new BustCropper(new CropOptions { CascadePath = path, DetectionWidth = 640, ScaleFactor = 1.1 });
        Assert.Equal(name, cropper.Lineage.Name);
        Assert.Equal(Path.GetFileName(path), cropper.Lineage.Model);
        Assert.Equal("640", cropper.Lineage.Parameters["detectionWidth"]);
        Assert.Equal("1.1", cropper.Lineage.Parameters["scaleFactor"]);
        Assert.Null(cropper.Decode(TestFrames.FaceJpeg(), out var image));
        using (image)
        {
            Assert.Null(cropper.Detect(image!, out var detection));
            Assert.True(detection.Face.Width >= 80, $"Detected {detection.Face}.");
        }
    }

    [Theory]
    [InlineData("camera.png")]
    [InlineData("coffee.png")]
    [InlineData("chelsea.png")]
    public void Photos_without_a_person_are_no_face(string name) =>
        Assert.Equal(RejectionReasons.NoFace, Reject(TestFrames.PhotoJpeg(name)));

    [Fact]
    public void A_dark_frame_is_too_dark()
    {
        using var scene = TestFrames.Scene(400, 100, 1.0, out _);
        using var dark = new Mat();
        scene.ConvertTo(dark, -1, 0.15);
        Assert.Equal(RejectionReasons.TooDark, Reject(TestFrames.Jpeg(dark)));
    }

    [Fact]
    public void A_blurred_face_is_too_blurred()
    {
        using var scene = TestFrames.Scene(400, 100, 1.0, out _);
        using var blurred = new Mat();
        Cv2.GaussianBlur(scene, blurred, new Size(0, 0), 4);
        Assert.Equal(RejectionReasons.TooBlurred, Reject(TestFrames.Jpeg(blurred)));
    }

    [Fact]
    public void A_distant_face_is_too_small() =>
        Assert.Equal(RejectionReasons.FaceTooSmall, Reject(TestFrames.FaceJpeg(600, 300, 0.75)));

    [Fact]
    public void Zero_bytes_are_an_empty_object() =>
        Assert.Equal(RejectionReasons.EmptyObject, Reject([]));

    [Fact]
    public void Text_is_not_an_image() =>
        Assert.Equal(RejectionReasons.NotAnImage, Reject("this is not a picture, just some text"u8.ToArray()));

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.98)]
    [InlineData(0.001)]
    public void A_cut_jpeg_is_truncated(double keep)
    {
        var jpeg = TestFrames.FaceJpeg();
        Assert.Equal(RejectionReasons.TruncatedImage, Reject(jpeg[..Math.Max(4, (int)(jpeg.Length * keep))]));
    }

    [Fact]
    public void A_cut_png_is_truncated()
    {
        using var scene = TestFrames.Scene(400, 100, 1.0, out _);
        Cv2.ImEncode(".png", scene, out var png);
        Assert.Equal(RejectionReasons.TruncatedImage, Reject(png[..(png.Length / 2)]));
    }

    [Fact]
    public void A_frame_over_40_megapixels_is_refused_before_decoding() =>
        Assert.Equal(RejectionReasons.TooManyPixels, Reject(TestFrames.BlankJpeg(8000, 5001)));

    private string? Reject(byte[] data)
    {
        var rejection = _cropper.Decode(data, out var image);
        using (image)
        {
            return rejection?.Reason ?? _cropper.Detect(image!, out _)?.Reason;
        }
    }

    private static int Area(Rect r) => r.Width * r.Height;

    private static bool Contains(Rect outer, Rect inner) =>
        inner.X >= outer.X && inner.Y >= outer.Y && inner.Right <= outer.Right && inner.Bottom <= outer.Bottom;

    public void Dispose() => _cropper.Dispose();
}
