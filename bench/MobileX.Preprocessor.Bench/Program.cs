using BenchmarkDotNet.Running;
using MobileX.Preprocessor.Bench;

if (args is ["pipeline", .. var rest])
{
    return await PipelineBench.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(WorkerCostBench).Assembly).Run(args);
return 0;
