using System.Globalization;
using System.Text.Json;
using MobileX.Cli.CommandLine;
using MobileX.Cli.Connections;
using MobileX.Cli.Output;
using MobileX.Contracts;
using NATS.Client.Core;
using NATS.Net;

namespace MobileX.Cli.DeadLetters;

/// <summary>One dead letter as <c>mobilex deadletters list --json</c> prints it.</summary>
internal sealed record ListedDeadLetter(ulong Sequence, string Subject, DateTimeOffset StoredAt, DeadLetter? DeadLetter, string? Error);

/// <summary><c>mobilex deadletters list</c> and <c>mobilex deadletters redrive</c>.</summary>
internal static class DeadLettersCommand
{
    public static readonly CommandSpec ListSpec = new(
        "deadletters list",
        $"show the dead letters kept in the {Streams.Events} stream ({DeadLetterQueue.Filter}), oldest first",
        [
            new("--limit", "N", "show at most N"),
            new("--json", null, "one JSON object a line (with the payload) instead of a table"),
            CliConnections.Nats,
        ]);

    public static readonly CommandSpec RedriveSpec = new(
        "deadletters redrive",
        "republish each dead letter's original message to its original subject, then delete the dead letter",
        [
            new("--limit", "N", "redrive at most N, oldest first"),
            new("--dry-run", null, "print what would be done and change nothing"),
            CliConnections.Nats,
        ],
        [
            "",
            "The original Nats-Msg-Id goes with it, so the stream drops a second copy inside its duplicate window",
            $"({Streams.DuplicateWindow.TotalMinutes:0} minutes). A dead letter is deleted only after its republish was acked; one whose original",
            "is still inside the window is kept (the republish was dropped): redrive it again later.",
        ]);

    public static async Task<int> ListAsync(ParsedArguments args, CliContext context, CancellationToken cancellationToken)
    {
        var limit = args.Int("--limit", int.MaxValue, 1, int.MaxValue);
        var json = args.Flag("--json");
        await using var session = await ConnectAsync(args, context).ConfigureAwait(false);
        var letters = await session.Queue.ListAsync(limit, cancellationToken).ConfigureAwait(false);
        if (!json)
        {
            context.Out.WriteLine("sequence\tdeadAt\tconsumer\tsubject\tmsgId\tdeliveries\tlastError");
        }

        foreach (var stored in letters)
        {
            if (json)
            {
                context.Out.WriteLine(JsonSerializer.Serialize(new ListedDeadLetter(stored.Sequence, stored.Subject, stored.StoredAt, stored.Letter, stored.Error),
                    CliJsonContext.Default.ListedDeadLetter));
            }
            else if (stored.Letter is { } letter)
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{stored.Sequence}\t{letter.DeadAt:yyyy-MM-ddTHH:mm:ss.fffZ}\t{letter.Consumer}\t{letter.Subject}\t{letter.MessageId ?? "-"}\t{letter.Deliveries}\t{OneLine(letter.LastError)}"));
            }
            else
            {
                context.Out.WriteLine($"{stored.Sequence}\t-\t-\t{stored.Subject}\t-\t-\t({stored.Error})");
            }
        }

        context.Error.WriteLine($"{letters.Count} dead letter{(letters.Count == 1 ? string.Empty : "s")} in {Streams.Events}.");
        return 0;
    }

    public static async Task<int> RedriveAsync(ParsedArguments args, CliContext context, CancellationToken cancellationToken)
    {
        var limit = args.Int("--limit", int.MaxValue, 1, int.MaxValue);
        var dryRun = args.Flag("--dry-run");
        await using var session = await ConnectAsync(args, context).ConfigureAwait(false);
        var letters = await session.Queue.ListAsync(limit, cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<RedriveOutcome, int>();
        var failed = 0;
        foreach (var stored in letters)
        {
            RedriveResult result;
            try
            {
                result = await session.Queue.RedriveAsync(stored, dryRun, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or CliException)
            {
                failed++;
                context.Error.WriteLine($"failed {Streams.Events} seq {stored.Sequence}: {ex.Message}; the dead letter is kept.");
                continue;
            }

            counts[result.Outcome] = counts.GetValueOrDefault(result.Outcome) + 1;
            context.Out.WriteLine(Describe(result));
        }

        var summary = string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {Name(c.Key)}"));
        context.Out.WriteLine($"{letters.Count} dead letter{(letters.Count == 1 ? string.Empty : "s")}" + (summary.Length > 0 ? ": " + summary : string.Empty) +
            (failed > 0 ? $", {failed} failed" : string.Empty) + ".");
        return failed > 0 ? 1 : 0;
    }

    private static string Describe(RedriveResult result)
    {
        var stored = result.DeadLetter;
        var letter = stored.Letter;
        var what = letter is null ? string.Empty : $"{letter.Subject} (Nats-Msg-Id {letter.MessageId ?? "none"})";
        return result.Outcome switch
        {
            RedriveOutcome.Republished => $"redriven {Streams.Events} seq {stored.Sequence}: {what} -> {result.Ack!.Stream} seq {result.Ack.Seq}; dead letter deleted",
            RedriveOutcome.AlreadyRepublished => $"already redriven {Streams.Events} seq {stored.Sequence}: {what} is {result.Ack!.Stream} seq {result.Ack.Seq}; dead letter deleted",
            RedriveOutcome.InsideDuplicateWindow => $"kept {Streams.Events} seq {stored.Sequence}: {what} is still {result.Ack!.Stream} seq {result.Ack.Seq}, inside the " +
                $"{Streams.DuplicateWindow.TotalMinutes:0}-minute duplicate window, so the republish was dropped; redrive again later",
            RedriveOutcome.DryRun => $"would redrive {Streams.Events} seq {stored.Sequence}: {what}, then delete the dead letter",
            _ => $"kept {Streams.Events} seq {stored.Sequence}: {stored.Error ?? "it names no subject"}",
        };
    }

    private static string Name(RedriveOutcome outcome) => outcome switch
    {
        RedriveOutcome.Republished => "redriven",
        RedriveOutcome.AlreadyRepublished => "already redriven",
        RedriveOutcome.InsideDuplicateWindow => "kept inside the duplicate window",
        RedriveOutcome.DryRun => "would be redriven",
        _ => "unreadable",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static async Task<Session> ConnectAsync(ParsedArguments args, CliContext context)
    {
        var (connection, source) = CliConnections.CreateNats(args, context);
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new CliException($"Cannot reach NATS ({source}): {ex.Message}", ex);
        }

        return new Session(connection, new DeadLetterQueue(connection.CreateJetStreamContext()));
    }

    private sealed record Session(NatsConnection Connection, DeadLetterQueue Queue) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
