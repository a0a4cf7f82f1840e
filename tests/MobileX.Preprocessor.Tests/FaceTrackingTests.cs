using MobileX.Contracts;
using MobileX.Preprocessor.Imaging;
using MobileX.Testing;
using OpenCvSharp;

namespace MobileX.Preprocessor.Tests;

/// <summary>
/// A station's frames are searched near its last face, with a periodic whole-frame re-check for a larger face. The
/// geometry must be as good as a whole-frame search, and the memory must never keep a face that has gone.
/// </summary>
public sealed class FaceTrackingTests
{
    private static readonly CropOptions Options = new() { RescanEvery = 4 };

    [Fact]
    public void A_moving_face_is_found_near_its_last_place_and_every_crop_holds_it()
    {
        using var cropper = new BustCropper(Options, new FaceMemory());
        var searches = new List<FaceSearch>();
        for (var i = 0; i < 12; i++)
        {
            // About 15 px and 1% of size per frame, as a person at a desk moves between two frames.
            using var scene = TestFrames.Scene(300 + (15 * i), 120 + (4 * i), 0.95 + (0.01 * i), out var expected);
            var detection = DetectOk(cropper, scene, "01");
            searches.Add(detection.Search);
            Assert.True(Area(detection.Face & expected) >= 0.5 * Area(expected), $"Frame {i} ({detection.Search}): detected {detection.Face}, expected about {expected}.");
            using var image = Decode(scene);
            var crop = cropper.CropAndEncode(image, detection.Face);
            Assert.True((crop.CropBox & expected) == expected, $"Frame {i}: crop {crop.CropBox} does not hold the face {expected}.");
            Assert.Equal(DetectorLineage.SearchName(detection.Search), cropper.Lineage.For(detection.Search).Parameters["search"]);
        }

        Assert.Equal(FaceSearch.WholeFrame, searches[0]);
        Assert.True(searches.Count(s => s == FaceSearch.NearLastFace) >= 6, string.Join(", ", searches));
        Assert.Contains(FaceSearch.LargerThanLastFace, searches);
    }

    [Fact]
    public void Without_tracking_every_frame_is_searched_whole()
    {
        using var cropper = new BustCropper(new CropOptions { RescanEvery = 0 }, new FaceMemory());
        for (var i = 0; i < 3; i++)
        {
            using var scene = TestFrames.Scene(400 + (10 * i), 100, 1.0, out _);
            Assert.Equal(FaceSearch.WholeFrame, DetectOk(cropper, scene, "01").Search);
        }

        Assert.Equal("0", cropper.Lineage.Parameters["rescanEvery"]);
    }

    [Fact]
    public void One_stations_face_is_never_used_for_another()
    {
        var memory = new FaceMemory();
        using var cropper = new BustCropper(Options, memory);
        using (var first = TestFrames.Scene(100, 100, 1.0, out _))
        {
            DetectOk(cropper, first, "01");
        }

        using var other = TestFrames.Scene(700, 150, 1.0, out var expected);
        var detection = DetectOk(cropper, other, "02");
        Assert.Equal(FaceSearch.WholeFrame, detection.Search);
        Assert.True(Area(detection.Face & expected) >= 0.5 * Area(expected));
    }

    [Fact]
    public void A_face_that_leaves_is_no_face_at_once_and_the_next_one_is_searched_everywhere()
    {
        using var cropper = new BustCropper(Options, new FaceMemory());
        using (var present = TestFrames.Scene(400, 100, 1.0, out _))
        {
            DetectOk(cropper, present, "01");
        }

        using (var empty = TestFrames.Empty())
        using (var image = Decode(empty))
        {
            var rejection = cropper.Detect(image, out _, "01");
            Assert.Equal(RejectionReasons.NoFace, rejection?.Reason);
        }

        using var elsewhere = TestFrames.Scene(850, 200, 1.0, out var expected);
        var detection = DetectOk(cropper, elsewhere, "01");
        Assert.Equal(FaceSearch.WholeFrame, detection.Search);
        Assert.True(Area(detection.Face & expected) >= 0.5 * Area(expected));
    }

    [Fact]
    public void A_larger_face_that_walks_in_is_taken_at_the_next_re_check()
    {
        using var cropper = new BustCropper(Options, new FaceMemory());
        var found = new List<(FaceSearch Search, Rect Face)>();
        Rect larger = default;
        for (var i = 0; i < Options.RescanEvery + 1; i++)
        {
            using var scene = TestFrames.Scene(60, 150, 0.95, out _);
            if (i > 0)
            {
                larger = TestFrames.AddPerson(scene, 620, 40, 1.25);
            }

            var detection = DetectOk(cropper, scene, "01");
            found.Add((detection.Search, detection.Face));
        }

        // Until the re-check the tracked face is kept (the nearby search only looks where it was); the re-check,
        // due every RescanEvery frames, finds the larger face and the crop moves to it.
        var last = found[^1];
        Assert.Equal(FaceSearch.LargerThanLastFace, last.Search);
        Assert.True(Area(last.Face & larger) >= 0.5 * Area(larger), $"Expected the larger face {larger}, got {last.Face}.");
        Assert.All(found.Take(Options.RescanEvery).Skip(1), f => Assert.Equal(FaceSearch.NearLastFace, f.Search));
    }

    [Fact]
    public void Something_only_the_finder_takes_for_a_face_is_dropped_at_the_next_re_check()
    {
        // The nearby search trusts the LBP finder alone, and the finder alone takes the cat in chelsea.png for a face.
        // Plant that as a station's last face, as if a person had just left a frame with a cat-like poster behind.
        using var photo = Cv2.ImRead(RepositoryPaths.TestImage("chelsea.png"), ImreadModes.Color);
        using var grey = new Mat();
        using var equalised = new Mat();
        Cv2.CvtColor(photo, grey, ColorConversionCodes.BGR2GRAY);
        Cv2.EqualizeHist(grey, equalised);
        using var finder = new CascadeClassifier(CropOptions.DefaultCascadePath);
        var fooled = finder.DetectMultiScale(equalised, 1.1, 2, HaarDetectionTypes.ScaleImage, new Size(24, 24));
        Assert.NotEmpty(fooled);

        var memory = new FaceMemory();
        var options = new CropOptions { RescanEvery = 2 };
        memory.Remember("01", photo.Size(), new TrackedFace(fooled.MaxBy(r => r.Width * r.Height), 1.0), rescanned: true);
        using var cropper = new BustCropper(options, memory);
        var reasons = new List<string?>();
        for (var i = 0; i < options.RescanEvery + 1; i++)
        {
            using var image = Decode(photo);
            reasons.Add(cropper.Detect(image, out _, "01")?.Reason);
        }

        // By the re-check (frame RescanEvery) the verifier has seen it: no-face, and the station's face is forgotten.
        Assert.Equal(RejectionReasons.NoFace, reasons[options.RescanEvery - 1]);
        Assert.Equal(RejectionReasons.NoFace, reasons[^1]);
        Assert.False(memory.TryGetPrior("01", photo.Size(), options, out _, out _));
    }

    private static FaceDetection DetectOk(BustCropper cropper, Mat scene, string station)
    {
        using var image = Decode(scene);
        var rejection = cropper.Detect(image, out var detection, station);
        Assert.True(rejection is null, rejection?.Detail);
        return detection;
    }

    private static Mat Decode(Mat scene) => Cv2.ImDecode(TestFrames.Jpeg(scene), ImreadModes.Color);

    private static int Area(Rect r) => r.Width * r.Height;
}
