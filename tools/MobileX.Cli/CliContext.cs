namespace MobileX.Cli;

/// <summary>
/// Where a command writes and what it may read of its surroundings. The real one wraps the console and the process
/// environment; tests run commands in-process with their own writers, environment and hooks.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Results: listings, events, summaries.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Progress, warnings and errors, so <see cref="Out"/> stays machine-readable.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Draw a progress bar (a terminal) rather than print periodic lines (a log or a pipe).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Environment variables, e.g. <c>ConnectionStrings__nats</c>.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Where the repository (and so the AppHost's settings) is looked for first.</summary>
    public string CurrentDirectory { get; init; } = System.Environment.CurrentDirectory;

    /// <summary>How often progress is reported; a terminal bar is redrawn more often.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Test hook: called after each export shard is complete and recorded, with the number of shards done.</summary>
    public Action<int>? ShardCompleted { get; init; }

    public static CliContext FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        ErrorIsTerminal = !Console.IsErrorRedirected,
    };
}
