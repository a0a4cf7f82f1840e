using MobileX.Export.Bench;

return await ExportThroughputBench.RunAsync(BenchSettings.Parse(args));
