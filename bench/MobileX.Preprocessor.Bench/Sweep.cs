using System.Diagnostics;
using MobileX.Contracts;
using MobileX.Preprocessor.Imaging;
using MobileX.Preprocessor.Tests;
using OpenCvSharp;

namespace MobileX.Preprocessor.Bench;

/// <summary>
/// Detector settings side by side: each is checked against the scenes the tests use (placements, negatives, the
/// too-small and blurred faces) and timed over the bench frames against the bare decode+resize+encode path measured
/// in the same run. Shows why the defaults are what they are; the first line is the old Haar-only worker.
/// </summary>
internal static class Sweep
{
    public static int Run(string[] args)
    {
        var frames = BenchFrames.Create(8);
        const string lbpOld = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml";
        var configs = new List<CropOptions>();
        foreach (var (path, widths) in new[] { (lbpOld, new[] { 640, 560, 480 }) })
        {
            foreach (var w in widths)
            {
                foreach (var sf in new[] { 1.1, 1.15, 1.2 })
                {
                    foreach (var mn in new[] { 1, 2, 3 })
                    {
                        configs.Add(new CropOptions { CascadePath = path, DetectionWidth = w, ScaleFactor = sf, MinNeighbors = mn });
                    }
                }
            }
        }

        var n = args.Length > 0 ? int.Parse(args[0]) : 3;
        var bare = Time(frames, n, Bare);
        Console.WriteLine($"bare {bare:F2} ms");
        Stages(frames, n, bare, new CropOptions());
        Stages(frames, n, bare, new CropOptions { VerifyCascadePath = "" });
        StreamStages(n);
        if (args is [_, "stages"])
        {
            return 0;
        }

        configs.Insert(0, new CropOptions { CascadePath = CropOptions.DefaultVerifyCascadePath, VerifyCascadePath = "", DetectionWidth = 640, ScaleFactor = 1.1, MinNeighbors = 5 });
        foreach (var o in configs)
        {
            using var c = new BustCropper(o);
            var fails = Check(c);
            var misses = 0;
            var ms = Time(frames, n, f =>
            {
                c.Decode(f, out var img);
                using (img)
                {
                    if (c.Detect(img!, out var d) is not null) { misses++; return; }
                    c.CropAndEncode(img!, d.Face);
                }
            });
            Console.WriteLine($"{Path.GetFileName(o.CascadePath),-36} w={o.DetectionWidth} sf={o.ScaleFactor} mn={o.MinNeighbors}: {ms:F2} ms ratio {ms / bare:F2} misses {misses} fails: {fails}");
        }

        return 0;
    }

    /// <summary>Where one configuration's time goes: decode, detect (shrink, grey, equalise, cascades, gates), crop+encode.</summary>
    private static void Stages(byte[][] frames, int n, double bare, CropOptions options)
    {
        using var c = new BustCropper(options);
        var decoded = frames.Select(f => { c.Decode(f, out var m); return m!; }).ToArray();
        var faces = new Rect[decoded.Length];
        var decode = Time(frames, n, f => { c.Decode(f, out var m); m!.Dispose(); });
        var i = 0;
        var detect = Time(frames, n, _ => { var k = i++ % decoded.Length; c.Detect(decoded[k], out var d); faces[k] = d.Face; });
        i = 0;
        var crop = Time(frames, n, _ => { var k = i++ % decoded.Length; if (faces[k].Width > 0) { c.CropAndEncode(decoded[k], faces[k]); } });
        Console.WriteLine($"stages verify={(string.IsNullOrEmpty(options.VerifyCascadePath) ? "none" : "haar")}: decode {decode:F2} ms ({decode / bare:F2}), detect {detect:F2} ms ({detect / bare:F2}), crop+encode {crop:F2} ms ({crop / bare:F2}) of bare {bare:F2} ms");
        foreach (var m in decoded) { m.Dispose(); }
    }

    /// <summary>
    /// One station's stream in order, as the worker sees it: with the face memory (the default) and searching every
    /// frame whole, each against bare decode+resize+encode of the same stream frames.
    /// </summary>
    private static void StreamStages(int n)
    {
        var stream = BenchFrames.Stream(96);
        var bare = Time(stream, n, Bare);
        foreach (var options in new[] { new CropOptions(), new CropOptions { RescanEvery = 0 } })
        {
            using var c = new BustCropper(options, new FaceMemory());
            int near = 0, larger = 0, misses = 0;
            var detectMs = new double[3];
            var detectCount = new int[3];
            var ms = Time(stream, n, f =>
            {
                c.Decode(f, out var img);
                using (img)
                {
                    var started = Stopwatch.GetTimestamp();
                    var rejected = c.Detect(img!, out var d, "01") is not null;
                    detectMs[(int)d.Search] += Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    detectCount[(int)d.Search]++;
                    if (rejected) { misses++; return; }
                    near += d.Search == FaceSearch.NearLastFace ? 1 : 0;
                    larger += d.Search == FaceSearch.LargerThanLastFace ? 1 : 0;
                    c.CropAndEncode(img!, d.Face);
                }
            });
            Console.WriteLine("  detect ms by search: " + string.Join(", ", Enum.GetValues<FaceSearch>().Select(k => $"{k} {detectMs[(int)k] / Math.Max(1, detectCount[(int)k]):F2} x{detectCount[(int)k]}")));
            Console.WriteLine($"stream of {stream.Length} frames, rescanEvery={options.RescanEvery}: worker {ms:F2} ms, bare {bare:F2} ms, ratio {ms / bare:F2}; found near last face {near}, by the larger-face re-check {larger}, misses {misses} (over {(n + 1) * stream.Length} runs)");
        }
    }

    private static void Bare(byte[] frame)
    {
        using var image = Cv2.ImDecode(frame, ImreadModes.Color);
        using var r = new Mat();
        Cv2.Resize(image, r, new Size(512, 512), interpolation: InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", r, out _, [(int)ImwriteFlags.JpegQuality, 90]);
    }

    private static double Time(byte[][] frames, int n, Action<byte[]> act)
    {
        foreach (var f in frames) { act(f); }
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) { foreach (var f in frames) { act(f); } }
        return sw.Elapsed.TotalMilliseconds / (n * frames.Length);
    }

    private static string Check(BustCropper c)
    {
        var fails = new List<string>();
        foreach (var (x, y, s) in new[] { (520, 180, 1.0), (0, 0, 0.9), (700, 150, 1.2), (-150, 120, 1.0), (900, 300, 1.0), (300, -60, 1.6), (100, 260, 1.4), (100, 100, 1.0), (600, 150, 1.2), (-120, 200, 1.0), (800, 60, 0.9), (400, 100, 1.0) })
        {
            using var scene = TestFrames.Scene(x, y, s, out var exp);
            c.Decode(TestFrames.Jpeg(scene), out var img);
            using (img)
            {
                if (c.Detect(img!, out var d) is { } r) { fails.Add($"{x},{y},{s}:{r.Detail}"); continue; }
                var ov = (d.Face & exp);
                if (ov.Width * ov.Height < 0.5 * exp.Width * exp.Height) { fails.Add($"{x},{y},{s}:off {d.Face}"); }
            }
        }

        foreach (var name in new[] { "camera.png", "coffee.png", "chelsea.png" })
        {
            var r = Reason(c, TestFrames.PhotoJpeg(name));
            if (r != RejectionReasons.NoFace) { fails.Add($"{name}:{r}"); }
        }

        var small = Reason(c, TestFrames.FaceJpeg(600, 300, 0.75));
        if (small != RejectionReasons.FaceTooSmall) { fails.Add($"small:{small}"); }
        using (var scene = TestFrames.Scene(400, 100, 1.0, out _))
        using (var blurred = new Mat())
        {
            Cv2.GaussianBlur(scene, blurred, new Size(0, 0), 4);
            var r = Reason(c, TestFrames.Jpeg(blurred));
            if (r != RejectionReasons.TooBlurred) { fails.Add($"blur:{r}"); }
        }

        var f500 = Reason(c, TestFrames.FaceJpeg(500, 150, 1.0));
        if (f500 is not null) { fails.Add($"pipeline:{f500}"); }
        return string.Join(' ', fails);
    }

    private static string? Reason(BustCropper c, byte[] data)
    {
        var r = c.Decode(data, out var img);
        using (img) { return r?.Reason ?? c.Detect(img!, out _)?.Reason; }
    }
}
