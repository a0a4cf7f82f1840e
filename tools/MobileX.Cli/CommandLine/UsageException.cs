namespace MobileX.Cli.CommandLine;

/// <summary>The command line is wrong: exit code 2, with a message that names the argument at fault.</summary>
internal sealed class UsageException(string message) : Exception(message);
