namespace MobileX.Inference.Bench;

// Not top-level statements: those would declare a second global Program beside the adapter's.
internal static class BenchProgram
{
    public static Task<int> Main(string[] args) => AvatarLatencyBench.RunAsync(args);
}
