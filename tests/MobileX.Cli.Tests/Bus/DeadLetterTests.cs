using System.Text;
using System.Text.Json;
using MobileX.Cli.Tests.Infrastructure;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Cli.Tests.Bus;

/// <summary>
/// <c>mobilex deadletters</c> on a real JetStream: dead letters as the preprocessor writes them into EVENTS, and their
/// originals (or earlier redrives) in FRAMES.
/// </summary>
[Collection(BusCollection.Name)]
public sealed class DeadLetterTests(BusFixture bus)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedriveRepublishesTheOriginalWithItsIdAndThenDeletesTheDeadLetter()
    {
        await PurgeAsync();
        var (frame, payload) = Frame(41);
        var letterSeq = await DeadLetterAsync(frame, payload, originalSequence: 999_001);
        var avatarSeq = await PublishAsync(Subjects.AvatarsCreated, "{\"not\":\"a dead letter\"}", "avatar-1", Streams.Events);

        var run = await InProcessCli.RunAsync(["deadletters", "redrive"], bus.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"redriven EVENTS seq {letterSeq}: {Subjects.FramesRaw(frame.StationId)} (Nats-Msg-Id {frame.FrameId})", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 dead letter: 1 redriven.", run.Out, StringComparison.Ordinal);
        var republished = await LastAsync(Streams.Frames, Subjects.FramesRaw(frame.StationId));
        Assert.Equal(payload, Encoding.UTF8.GetString(republished.Data));
        Assert.Equal(frame.FrameId.ToString(), republished.Headers?[MessageHeaders.MsgId].ToString());
        Assert.False(await ExistsAsync(Streams.Events, letterSeq));
        Assert.True(await ExistsAsync(Streams.Events, avatarSeq), "only the dead letter is deleted from EVENTS");

        var again = await InProcessCli.RunAsync(["deadletters", "redrive"], bus.Environment, cancellationToken: Ct);
        Assert.Contains("0 dead letters.", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetterWhoseOriginalIsInsideTheDuplicateWindowIsKept()
    {
        await PurgeAsync();
        var (frame, payload) = Frame(42);
        var original = await PublishAsync(Subjects.FramesRaw(frame.StationId), payload, MessageIds.Captured(frame.FrameId), Streams.Frames);
        var letterSeq = await DeadLetterAsync(frame, payload, original);

        var run = await InProcessCli.RunAsync(["deadletters", "redrive"], bus.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"kept EVENTS seq {letterSeq}: {Subjects.FramesRaw(frame.StationId)} (Nats-Msg-Id {frame.FrameId}) is still FRAMES seq {original}, inside the 2-minute duplicate window",
            run.Out, StringComparison.Ordinal);
        Assert.True(await ExistsAsync(Streams.Events, letterSeq));
        Assert.Equal(original, (await LastAsync(Streams.Frames, Subjects.FramesRaw(frame.StationId))).Sequence);
    }

    [Fact]
    public async Task DeadLetterAlreadyRedrivenBeforeACrashIsOnlyDeleted()
    {
        await PurgeAsync();
        var (frame, payload) = Frame(43);
        var letterSeq = await DeadLetterAsync(frame, payload, originalSequence: 999_002);
        // An earlier redrive republished it and stopped before deleting the dead letter.
        var earlier = await PublishAsync(Subjects.FramesRaw(frame.StationId), payload, MessageIds.Captured(frame.FrameId), Streams.Frames);

        var run = await InProcessCli.RunAsync(["deadletters", "redrive"], bus.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"already redriven EVENTS seq {letterSeq}: {Subjects.FramesRaw(frame.StationId)} (Nats-Msg-Id {frame.FrameId}) is FRAMES seq {earlier}; dead letter deleted",
            run.Out, StringComparison.Ordinal);
        Assert.False(await ExistsAsync(Streams.Events, letterSeq));
        Assert.Equal(earlier, (await LastAsync(Streams.Frames, Subjects.FramesRaw(frame.StationId))).Sequence);
    }

    [Fact]
    public async Task DryRunAndLimitChangeOnlyWhatTheySay()
    {
        await PurgeAsync();
        var letters = new List<(FrameCaptured Frame, ulong Sequence)>();
        for (var station = 44; station <= 46; station++)
        {
            var (frame, payload) = Frame(station);
            letters.Add((frame, await DeadLetterAsync(frame, payload, originalSequence: 999_000 + (ulong)station)));
        }

        var dry = await InProcessCli.RunAsync(["deadletters", "redrive", "--dry-run"], bus.Environment, cancellationToken: Ct);

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("3 dead letters: 3 would be redriven.", dry.Out, StringComparison.Ordinal);
        Assert.All(letters, l => Assert.Contains($"would redrive EVENTS seq {l.Sequence}", dry.Out, StringComparison.Ordinal));
        foreach (var (_, sequence) in letters)
        {
            Assert.True(await ExistsAsync(Streams.Events, sequence));
        }

        var one = await InProcessCli.RunAsync(["deadletters", "redrive", "--limit", "1"], bus.Environment, cancellationToken: Ct);

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains("1 dead letter: 1 redriven.", one.Out, StringComparison.Ordinal);
        Assert.False(await ExistsAsync(Streams.Events, letters[0].Sequence));
        Assert.True(await ExistsAsync(Streams.Events, letters[1].Sequence));

        var list = await InProcessCli.RunAsync(["deadletters", "list", "--json"], bus.Environment, cancellationToken: Ct);

        Assert.True(list.ExitCode == 0, list.ToString());
        var rows = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(letters.Skip(1).Select(l => l.Sequence), rows.Select(r => r.GetProperty("sequence").GetUInt64()));
        var letter = rows[0].GetProperty("deadLetter").Deserialize(ContractsJsonContext.Default.DeadLetter)!;
        Assert.Equal(Subjects.FramesRaw(letters[1].Frame.StationId), letter.Subject);
        Assert.Equal("preprocessor", letter.Consumer);
    }

    [Fact]
    public async Task ListShowsATableOldestFirst()
    {
        await PurgeAsync();
        var (first, payload1) = Frame(47);
        var (second, payload2) = Frame(48);
        var seq1 = await DeadLetterAsync(first, payload1, 5);
        var seq2 = await DeadLetterAsync(second, payload2, 6);

        var run = await InProcessCli.RunAsync(["deadletters", "list"], bus.Environment, cancellationToken: Ct);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence\tdeadAt\tconsumer\tsubject\tmsgId\tdeliveries\tlastError", lines[0]);
        Assert.StartsWith($"{seq1}\t", lines[1], StringComparison.Ordinal);
        Assert.Contains($"\tpreprocessor\t{Subjects.FramesRaw(first.StationId)}\t{first.FrameId}\t5\tTimeoutException: S3 timed out", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{seq2}\t", lines[2], StringComparison.Ordinal);
        Assert.Contains("2 dead letters in EVENTS.", run.Error, StringComparison.Ordinal);
    }

    private static (FrameCaptured Frame, string Payload) Frame(int station)
    {
        var at = DateTimeOffset.UtcNow;
        var id = FrameId.New(at);
        var stationId = new StationId(station);
        var frame = new FrameCaptured(id, stationId, 7, at, Buckets.Station(stationId), ObjectKeys.Frame(at, id), "image/jpeg", 1280, 720, 1000, new string('a', 64));
        return (frame, JsonSerializer.Serialize(frame, ContractsJsonContext.Default.FrameCaptured));
    }

    /// <summary>A dead letter as PreprocessorWorker writes it: the original payload, subject and message id, under its own id.</summary>
    private async Task<ulong> DeadLetterAsync(FrameCaptured frame, string payload, ulong originalSequence)
    {
        var letter = new DeadLetter("preprocessor", Subjects.FramesRaw(frame.StationId), MessageIds.Captured(frame.FrameId), originalSequence, 5,
            "TimeoutException: S3 timed out", payload, DateTimeOffset.UtcNow);
        var ack = await bus.Js.PublishAsync(Subjects.DeadLetterPreprocessor, letter, ContractSerializers.For<DeadLetter>(),
            new NatsJSPubOpts { MsgId = MessageIds.DeadLetter("preprocessor", originalSequence) + ":" + Guid.NewGuid().ToString("N") }, cancellationToken: Ct);
        ack.EnsureSuccess();
        return ack.Seq;
    }

    private async Task<ulong> PublishAsync(string subject, string payload, string msgId, string stream)
    {
        var ack = await bus.Js.PublishAsync(subject, Encoding.UTF8.GetBytes(payload), NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { MsgId = msgId }, cancellationToken: Ct);
        ack.EnsureSuccess();
        Assert.Equal(stream, ack.Stream);
        return ack.Seq;
    }

    private async Task PurgeAsync() => await bus.Js.PurgeStreamAsync(Streams.Events, new StreamPurgeRequest(), Ct);

    private async Task<bool> ExistsAsync(string stream, ulong sequence)
    {
        var js = await bus.Js.GetStreamAsync(stream, cancellationToken: Ct);
        try
        {
            await js.GetAsync(new StreamMsgGetRequest { Seq = sequence }, Ct);
            return true;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return false;
        }
    }

    private async Task<(ulong Sequence, byte[] Data, NatsHeaders? Headers)> LastAsync(string stream, string subject)
    {
        var js = await bus.Js.GetStreamAsync(stream, cancellationToken: Ct);
        var response = await js.GetAsync(new StreamMsgGetRequest { LastBySubj = subject }, Ct);
        var message = response.Message;
        NatsHeaders? headers = null;
        if (message.Hdrs is { } encoded)
        {
            headers = Parse(Convert.FromBase64String(encoded));
        }

        return (message.Seq, message.Data.ToArray(), headers);
    }

    /// <summary>The <c>NATS/1.0</c> header block a direct get returns base64-encoded.</summary>
    private static NatsHeaders Parse(byte[] block)
    {
        var headers = new NatsHeaders();
        foreach (var line in Encoding.UTF8.GetString(block).Split("\r\n").Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return headers;
    }
}
