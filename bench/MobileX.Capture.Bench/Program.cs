using MobileX.Capture.Bench;

return await CaptureThroughputBench.RunAsync(BenchSettings.Parse(args));
