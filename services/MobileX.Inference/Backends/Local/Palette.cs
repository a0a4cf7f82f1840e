using System.Text;

namespace MobileX.Inference.Backends.Local;

/// <summary>
/// A five-stop colour ramp, dark to light, chosen from the prompt and the seed. The same prompt and seed always
/// give the same ramp (no <see cref="Random"/>, whose sequence is not promised across .NET versions).
/// </summary>
internal sealed class Palette
{
    // A few prompt words steer the base hue so "fire" looks warm and "ice" cold; other prompts hash to a hue.
    private static readonly (string Word, double Hue)[] HueWords =
    [
        ("hero", 12), ("fire", 8), ("lava", 4), ("sun", 42), ("gold", 45), ("desert", 35),
        ("forest", 120), ("nature", 105), ("elf", 135), ("ice", 195), ("frost", 200), ("ocean", 205),
        ("water", 195), ("sky", 210), ("cyber", 285), ("neon", 300), ("space", 250), ("night", 235),
        ("robot", 215), ("rose", 340), ("love", 350), ("ghost", 180),
    ];

    private Palette((byte B, byte G, byte R)[] stops) => Stops = stops;

    /// <summary>The colours, darkest first, as OpenCV's B, G, R.</summary>
    public IReadOnlyList<(byte B, byte G, byte R)> Stops { get; }

    public static Palette From(string prompt, long seed)
    {
        var state = Fnv1a(prompt.Trim().ToLowerInvariant()) ^ (ulong)seed;
        var baseHue = KeywordHue(prompt) ?? Next(ref state) % 360;
        baseHue = (baseHue + (Next(ref state) % 31) - 15 + 360) % 360;

        // Analogous, complementary or split-complementary accents, picked by the seed.
        double[] accents = (Next(ref state) % 3) switch
        {
            0 => [0, 20, 40, 25, 10],
            1 => [180, 180, 0, 0, 20],
            _ => [150, 210, 0, 30, 200],
        };

        var saturation = 0.45 + (Next(ref state) % 40) / 100.0;
        var stops = new (byte, byte, byte)[5];
        for (var i = 0; i < stops.Length; i++)
        {
            var lightness = 0.10 + i * 0.2;
            stops[i] = HslToBgr((baseHue + accents[i]) % 360, saturation, lightness);
        }

        return new Palette(stops);
    }

    /// <summary>A 256-entry B,G,R ramp; <paramref name="stepped"/> posterizes to the five stops (the cartoon look).</summary>
    public byte[] Ramp(bool stepped)
    {
        var lut = new byte[256 * 3];
        for (var v = 0; v < 256; v++)
        {
            (byte B, byte G, byte R) c;
            if (stepped)
            {
                c = Stops[Math.Min(Stops.Count - 1, v * Stops.Count / 256)];
            }
            else
            {
                var pos = v / 255.0 * (Stops.Count - 1);
                var lo = (int)Math.Floor(pos);
                var hi = Math.Min(lo + 1, Stops.Count - 1);
                var t = pos - lo;
                c = (Lerp(Stops[lo].B, Stops[hi].B, t), Lerp(Stops[lo].G, Stops[hi].G, t), Lerp(Stops[lo].R, Stops[hi].R, t));
            }

            lut[v * 3] = c.B;
            lut[v * 3 + 1] = c.G;
            lut[v * 3 + 2] = c.R;
        }

        return lut;
    }

    private static double? KeywordHue(string prompt)
    {
        foreach (var (word, hue) in HueWords)
        {
            if (prompt.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return hue;
            }
        }

        return null;
    }

    private static byte Lerp(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    // SplitMix64: tiny, well mixed, and fixed forever, which is what "same inputs, same bytes" needs.
    private static uint Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (uint)((z ^ (z >> 31)) >> 32);
    }

    private static (byte B, byte G, byte R) HslToBgr(double h, double s, double l)
    {
        var c = (1 - Math.Abs(2 * l - 1)) * s;
        var x = c * (1 - Math.Abs(h / 60 % 2 - 1));
        var m = l - c / 2;
        var (r, g, b) = (int)(h / 60) switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return (ToByte(b + m), ToByte(g + m), ToByte(r + m));
    }

    private static byte ToByte(double v) => (byte)Math.Clamp(Math.Round(v * 255), 0, 255);
}
