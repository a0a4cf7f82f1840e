using System.Globalization;

namespace MobileX.Capture.Bench;

/// <summary><c>--seconds 15 --warmup 3 --stations 10 --width 1280 --height 720</c>.</summary>
internal sealed record BenchSettings(int Seconds, int WarmupSeconds, int Stations, int Width, int Height)
{
    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["--seconds"] = 15,
            ["--warmup"] = 3,
            ["--stations"] = 10,
            ["--width"] = 1280,
            ["--height"] = 720,
        };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i]) || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                throw new ArgumentException($"Unknown option or bad value: {args[i]} {args[i + 1]}. Options: {string.Join(", ", values.Keys)} (positive integers).");
            }

            values[args[i]] = value;
        }

        return new BenchSettings(values["--seconds"], values["--warmup"], values["--stations"], values["--width"], values["--height"]);
    }
}
