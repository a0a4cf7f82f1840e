using System.Text;
using System.Text.Json;
using MobileX.Cli.Connections;
using MobileX.Contracts;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Cli.DeadLetters;

/// <summary>A message of <c>EVENTS</c> on a dead-letter subject: its stream sequence and the <see cref="DeadLetter"/>, or why it is not one.</summary>
internal sealed record StoredDeadLetter(ulong Sequence, string Subject, DateTimeOffset StoredAt, DeadLetter? Letter, string? Error);

/// <summary>What a redrive did with one dead letter.</summary>
internal enum RedriveOutcome
{
    /// <summary>Republished and acked as a new stream message; the dead letter was deleted.</summary>
    Republished,

    /// <summary>An earlier redrive had republished it (the stream answered "duplicate" with another sequence); the dead letter was deleted now.</summary>
    AlreadyRepublished,

    /// <summary>The original message is still inside the duplicate window, so the republish was dropped; the dead letter stays.</summary>
    InsideDuplicateWindow,

    /// <summary>Not done: <c>--dry-run</c>.</summary>
    DryRun,

    /// <summary>Not a dead letter this CLI can redrive (unreadable, or no subject); it stays.</summary>
    Unreadable,
}

internal sealed record RedriveResult(StoredDeadLetter DeadLetter, RedriveOutcome Outcome, PubAckResponse? Ack);

/// <summary>
/// The dead letters in the <c>EVENTS</c> stream (<c>mobilex.deadletter.&gt;</c>, see StreamProvisioning.EventsStream),
/// read through a short-lived consumer that acknowledges nothing, and redriven one at a time: the original payload goes
/// back to its original subject with its original <c>Nats-Msg-Id</c>, and the dead letter is deleted only after that
/// publish was acked, so a crash in between redrives it at most once more, which the stream drops as a duplicate.
/// </summary>
internal sealed class DeadLetterQueue(INatsJSContext js)
{
    public const string Filter = Subjects.Prefix + ".deadletter.>";
    private const string SubjectPrefix = Subjects.Prefix + ".deadletter.";
    private const int Batch = 256;

    /// <summary>The dead letters, oldest first, at most <paramref name="limit"/>.</summary>
    /// <exception cref="CliException">The EVENTS stream does not exist.</exception>
    public async Task<IReadOnlyList<StoredDeadLetter>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        try
        {
            await js.GetStreamAsync(Streams.Events, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            throw new CliException($"Stream {Streams.Events} does not exist: its owner, the API, creates it at start-up; no dead letter can exist yet.", ex);
        }

        // One filter subject, named in the create request the way nats-server 2.9 understands; no acks, removed after use.
        var config = new ConsumerConfig
        {
            Name = "mobilex-cli-" + Guid.NewGuid().ToString("N")[..12],
            FilterSubject = Filter,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            AckPolicy = ConsumerConfigAckPolicy.None,
            InactiveThreshold = TimeSpan.FromMinutes(1),
            MemStorage = true,
            NumReplicas = 1,
        };
        var consumer = await js.CreateOrUpdateConsumerAsync(Streams.Events, config, cancellationToken).ConfigureAwait(false);
        var letters = new List<StoredDeadLetter>();
        try
        {
            while (letters.Count < limit)
            {
                var fetched = 0;
                await foreach (var msg in consumer.FetchNoWaitAsync(new NatsJSFetchOpts { MaxMsgs = Math.Min(Batch, limit - letters.Count) },
                    NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false))
                {
                    fetched++;
                    if (msg.Metadata is { } metadata && msg.Subject.StartsWith(SubjectPrefix, StringComparison.Ordinal))
                    {
                        letters.Add(Read(metadata.Sequence.Stream, msg.Subject, metadata.Timestamp, msg.Data ?? []));
                    }
                }

                if (fetched == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            try
            {
                await js.DeleteConsumerAsync(Streams.Events, config.Name, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NatsJSException)
            {
                // It goes by itself after its inactive threshold.
            }
        }

        return letters;
    }

    /// <summary>Republishes one dead letter's payload, then deletes the dead letter once the republish is safely in a stream.</summary>
    public async Task<RedriveResult> RedriveAsync(StoredDeadLetter stored, bool dryRun, CancellationToken cancellationToken)
    {
        if (stored.Letter is not { Subject.Length: > 0 } letter)
        {
            return new RedriveResult(stored, RedriveOutcome.Unreadable, null);
        }

        if (dryRun)
        {
            return new RedriveResult(stored, RedriveOutcome.DryRun, null);
        }

        var ack = await js.PublishAsync(letter.Subject, Encoding.UTF8.GetBytes(letter.Payload), NatsRawSerializer<byte[]>.Default,
            new NatsJSPubOpts { MsgId = letter.MessageId }, cancellationToken: cancellationToken).ConfigureAwait(false);
        // Not EnsureSuccess: it throws on a duplicate, which here is an answer to read, not a failure.
        if (ack.Error is { } error)
        {
            throw new NatsJSApiException(error);
        }

        // A duplicate answer carries the sequence of the message already stored under that id: the original itself
        // (still inside the window, so nothing was redriven) or an earlier redrive's copy (so it was).
        if (ack.Duplicate && ack.Seq == letter.StreamSequence)
        {
            return new RedriveResult(stored, RedriveOutcome.InsideDuplicateWindow, ack);
        }

        var deleted = await js.DeleteMessageAsync(Streams.Events, new StreamMsgDeleteRequest { Seq = stored.Sequence }, cancellationToken).ConfigureAwait(false);
        if (!deleted.Success)
        {
            throw new CliException($"Republished {Streams.Events} message {stored.Sequence}, but the stream did not delete the dead letter; it would be redriven again (and dropped as a duplicate within {Streams.DuplicateWindow.TotalMinutes:0} minutes).");
        }

        return new RedriveResult(stored, ack.Duplicate ? RedriveOutcome.AlreadyRepublished : RedriveOutcome.Republished, ack);
    }

    private static StoredDeadLetter Read(ulong sequence, string subject, DateTimeOffset storedAt, byte[] data)
    {
        try
        {
            var letter = JsonSerializer.Deserialize(data, ContractsJsonContext.Default.DeadLetter);
            return letter is null
                ? new StoredDeadLetter(sequence, subject, storedAt, null, "the message is JSON null")
                : new StoredDeadLetter(sequence, subject, storedAt, letter, null);
        }
        catch (JsonException ex)
        {
            return new StoredDeadLetter(sequence, subject, storedAt, null, $"not a DeadLetter: {ex.Message}");
        }
    }
}
