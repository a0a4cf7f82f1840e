using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using MobileX.Contracts;
using MobileX.Inference.Backends;
using MobileX.Inference.Backends.Local;
using OpenCvSharp;

namespace MobileX.Inference.Bench;

/// <summary>
/// Avatar latency with the <c>local</c> backend at 512x512: p50 and p95 per style, in process and through the
/// adapter's HTTP API, each as a ratio against a baseline measured in the same run (decode, fit to 512x512 and
/// PNG-encode the same picture with bare OpenCV, which every avatar has to do anyway). Rounds interleave the
/// cases so a neighbour's build slows them all alike.
/// </summary>
internal static class AvatarLatencyBench
{
    private const int Size = 512;

    public static async Task<int> RunAsync(string[] args)
    {
        var iterations = IntArg(args, "--iterations", 30);
        var warmup = IntArg(args, "--warmup", 3);
        var imagePath = StringArg(args, "--image") ?? DefaultImage();
        var image = await File.ReadAllBytesAsync(imagePath);
        var base64 = Convert.ToBase64String(image);
        Console.WriteLine($"Avatar latency, local backend, {Size}x{Size}, source {Path.GetFileName(imagePath)}, {iterations} rounds after {warmup} warm-up, {Environment.ProcessorCount} cores");

        await using var adapter = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseContentRoot(AppContext.BaseDirectory);
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" }));
        });
        using var http = adapter.CreateClient();

        var cases = new List<(string Name, Func<Task> Run)>
        {
            ("baseline: decode+fit+png", () => { Baseline(image); return Task.CompletedTask; }),
        };
        foreach (var style in Styles.All)
        {
            var job = new Img2ImgJob(image, base64, "Hero", "", style, 42, 0.75, Size, Size);
            cases.Add(($"local {style} (in process)", () => { LocalStylizer.Render(job, CancellationToken.None); return Task.CompletedTask; }));
        }

        var request = new Img2ImgRequest(base64, "Hero", Seed: 42, Strength: 0.75);
        cases.Add(($"POST {InferenceApi.Img2ImgPath} cartoon (HTTP)", async () =>
        {
            using var response = await http.PostAsJsonAsync(InferenceApi.Img2ImgPath, request, InferenceJsonContext.Default.Img2ImgRequest);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }));

        if (StringArg(args, "--save") is { } saveDir)
        {
            // Lets a reviewer look at what was timed.
            Directory.CreateDirectory(saveDir);
            foreach (var style in Styles.All)
            {
                var png = LocalStylizer.Render(new Img2ImgJob(image, base64, "Hero", "", style, 42, 0.75, Size, Size), CancellationToken.None);
                await File.WriteAllBytesAsync(Path.Combine(saveDir, $"local-{style}.png"), png);
            }
        }

        var samples = cases.Select(_ => new List<double>(iterations)).ToArray();
        for (var round = 0; round < warmup + iterations; round++)
        {
            for (var i = 0; i < cases.Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await cases[i].Run();
                if (round >= warmup)
                {
                    samples[i].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        var baseP50 = Percentile(samples[0], 0.50);
        var baseP95 = Percentile(samples[0], 0.95);
        Console.WriteLine();
        Console.WriteLine($"| {"case",-38} | {"p50 ms",8} | {"p95 ms",8} | {"p50 / baseline",14} | {"p95 / baseline",14} |");
        Console.WriteLine($"|{new string('-', 40)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 16)}|{new string('-', 16)}|");
        for (var i = 0; i < cases.Count; i++)
        {
            var p50 = Percentile(samples[i], 0.50);
            var p95 = Percentile(samples[i], 0.95);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cases[i].Name,-38} | {p50,8:0.0} | {p95,8:0.0} | {p50 / baseP50,13:0.00}x | {p95 / baseP95,13:0.00}x |"));
        }

        return 0;
    }

    private static void Baseline(byte[] image)
    {
        using var decoded = Cv2.ImDecode(image, ImreadModes.Color);
        using var fitted = LocalStylizer.FitCover(decoded, Size, Size);
        Cv2.ImEncode(".png", fitted, out _, [(int)ImwriteFlags.PngCompression, 3]);
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static string DefaultImage()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in (string[])[Path.Combine(dir.FullName, ".data", "samples", "astronaut.png"), Path.Combine(dir.FullName, "..", "shared", "testdata", "astronaut.png")])
            {
                if (File.Exists(Path.Combine(dir.FullName, "MobileX.sln")) && File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new FileNotFoundException("No source portrait: run ./mobilex.sh setup (it puts astronaut.png in .data/samples) or pass --image PATH.");
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        StringArg(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? StringArg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
