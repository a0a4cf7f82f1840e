using Amazon.Runtime;
using MobileX.Cli.CommandLine;
using MobileX.Cli.Connections;
using MobileX.Cli.Credentials;
using MobileX.Cli.DeadLetters;
using MobileX.Cli.Export;
using MobileX.Cli.Listing;
using MobileX.Cli.Tail;
using NATS.Client.Core;

namespace MobileX.Cli;

/// <summary>
/// Chooses the command from the first words, parses its options and runs it. Exit codes: 0 done, 1 failed (the
/// message says why), 2 the command line is wrong (the message names the argument).
/// </summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private sealed record Command(CommandSpec Spec, Func<ParsedArguments, CliContext, CancellationToken, Task<int>> Run);

    private static readonly Command[] Commands =
    [
        new(ExportOptions.Spec, ExportCommand.RunAsync),
        new(LsCommand.Spec, LsCommand.RunAsync),
        new(TailCommand.Spec, TailCommand.RunAsync),
        new(DeadLettersCommand.ListSpec, DeadLettersCommand.ListAsync),
        new(DeadLettersCommand.RedriveSpec, DeadLettersCommand.RedriveAsync),
        new(CredentialsCommand.Spec, (args, context, _) => CredentialsCommand.RunAsync(args, context)),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            var topic = args.Count > 1 ? Find(args.Skip(1).ToList()) : null;
            context.Out.Write(topic?.Command.Spec.Help() ?? Overview());
            return args.Count == 0 ? Usage : Ok;
        }

        var found = Find(args);
        if (found is null)
        {
            var group = Commands.Where(c => c.Spec.Path.StartsWith(args[0] + " ", StringComparison.Ordinal)).ToList();
            var message = group.Count > 0
                ? $"{args[0]} needs a subcommand: {string.Join(" or ", group.Select(c => c.Spec.Path.Split(' ')[1]))}" +
                  (args.Count > 1 ? $" ('{args[1]}' is not one)." : ".")
                : $"unknown command '{args[0]}'.";
            context.Error.WriteLine($"mobilex: {message}");
            context.Error.WriteLine("Run 'mobilex --help' for the commands.");
            return Usage;
        }

        var (command, consumed) = found.Value;
        try
        {
            var parsed = ParsedArguments.Parse(command.Spec, [.. args.Skip(consumed)]);
            if (parsed.HelpRequested)
            {
                context.Out.Write(command.Spec.Help());
                return Ok;
            }

            return await command.Run(parsed, context, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            context.Error.WriteLine($"mobilex {command.Spec.Path}: {ex.Message}");
            context.Error.WriteLine($"Run 'mobilex {command.Spec.Path} --help' for its options.");
            return Usage;
        }
        catch (CliException ex)
        {
            context.Error.WriteLine($"mobilex {command.Spec.Path}: {ex.Message}");
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine($"mobilex {command.Spec.Path}: interrupted.");
            return Failed;
        }
        catch (Exception ex) when (ex is AmazonServiceException or NatsException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            // A server or file problem, not a bug: its message is the useful part, a stack trace is not.
            context.Error.WriteLine($"mobilex {command.Spec.Path}: {ex.GetType().Name}: {ex.Message}");
            return Failed;
        }
    }

    private static (Command Command, int Consumed)? Find(IReadOnlyList<string> args)
    {
        foreach (var command in Commands)
        {
            var words = command.Spec.Path.Split(' ');
            if (args.Count >= words.Length && words.Select((w, i) => args[i] == w).All(match => match))
            {
                return (command, words.Length);
            }
        }

        return null;
    }

    private static string Overview()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("mobilex: the MobileX lake and bus from the command line");
        text.AppendLine();
        text.AppendLine("usage: mobilex <command> [options]   (mobilex <command> --help for its options)");
        text.AppendLine();
        var width = Commands.Max(c => c.Spec.Path.Length);
        foreach (var command in Commands)
        {
            text.AppendLine($"  {command.Spec.Path.PadRight(width)}  {command.Spec.Summary}");
        }

        text.AppendLine();
        text.AppendLine($"Connections: --s3 and --nats, else ${CliConnections.S3Variable} and ${CliConnections.NatsVariable}, else the local");
        text.AppendLine("run's credentials (mobilex credentials). Exit codes: 0 done, 1 failed, 2 bad command line.");
        return text.ToString();
    }
}
