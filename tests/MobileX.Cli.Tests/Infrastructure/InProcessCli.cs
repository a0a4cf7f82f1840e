namespace MobileX.Cli.Tests.Infrastructure;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>mobilex</c> commands in-process, as Program.cs does, with captured output and a controlled environment.</summary>
internal static class InProcessCli
{
    public static async Task<CliRun> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null,
        Action<int>? shardCompleted = null, CancellationToken cancellationToken = default, string? currentDirectory = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext
        {
            Out = TextWriter.Synchronized(output),
            Error = TextWriter.Synchronized(error),
            ErrorIsTerminal = false,
            // Nothing from the test process's own environment: a developer's ConnectionStrings__* must not leak in.
            Environment = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            CurrentDirectory = currentDirectory ?? Path.GetTempPath(),
            ProgressInterval = TimeSpan.FromMilliseconds(200),
            ShardCompleted = shardCompleted,
        };
        var code = await CliApp.RunAsync(args, context, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
