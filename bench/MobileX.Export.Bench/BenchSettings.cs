using System.Globalization;

namespace MobileX.Export.Bench;

/// <summary><c>--frames 2000 --parallel 8 --rounds 3 --bust-kib 48 --shard-size 1000</c>.</summary>
internal sealed record BenchSettings(int Frames, int Parallel, int Rounds, int BustKiB, int ShardSize)
{
    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["--frames"] = 2000,
            ["--parallel"] = 8,
            ["--rounds"] = 3,
            ["--bust-kib"] = 48,
            ["--shard-size"] = 1000,
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !values.ContainsKey(args[i])
                || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                throw new ArgumentException($"Unknown option or bad value: {string.Join(' ', args.Skip(i).Take(2))}. Options: {string.Join(", ", values.Keys)} (positive integers).");
            }

            values[args[i]] = value;
        }

        return new BenchSettings(values["--frames"], values["--parallel"], values["--rounds"], values["--bust-kib"], values["--shard-size"]);
    }
}
