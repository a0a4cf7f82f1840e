using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MobileX.Preprocessor.Bench;

if (args is ["sweep", .. var sweepArgs])
{
    return Sweep.Run(sweepArgs);
}

if (args is ["pipeline", .. var rest])
{
    return await PipelineBench.RunAsync(rest);
}

// In-process: a separate generated project would be rebuilt per run, which takes minutes on a shared 2-core machine.
var config = DefaultConfig.Instance.AddJob(Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(3)
    .WithIterationCount(10));
BenchmarkSwitcher.FromAssembly(typeof(WorkerCostBench).Assembly).Run(args, config);
return 0;
