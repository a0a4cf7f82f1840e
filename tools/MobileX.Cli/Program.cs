using MobileX.Cli;

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops the command cleanly (an export keeps its complete shards); a second one kills it.
    if (!interrupt.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupt.Cancel();
    }
};

return await CliApp.RunAsync(args, CliContext.FromConsole(), interrupt.Token);
