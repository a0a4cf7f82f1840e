using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MobileX.Cli.CommandLine;
using MobileX.Cli.Connections;
using MobileX.Contracts;
using NATS.Client.Core;

namespace MobileX.Cli.Tail;

/// <summary>
/// <c>mobilex tail</c>: live events from a core NATS subscription, one JSON line each, until Ctrl-C. Core, not
/// JetStream: it only watches, creating no consumer and acknowledging nothing, so it never disturbs the pipeline.
/// </summary>
internal static class TailCommand
{
    public static readonly CommandSpec Spec = new(
        "tail",
        "print live events as JSON lines ({\"subject\":…,\"message\":…}) until Ctrl-C",
        [
            new("--subject", "SUBJECT", $"a NATS subject, wildcards allowed (repeat; default {Subjects.AllFrames})", Repeatable: true),
            new("--stage", "raw|processed|rejected", "frame events of this stage (repeat, or raw,rejected)", Repeatable: true),
            new("--station", "NN", "frame events of this station (repeat, or 03,04)", Repeatable: true),
            new("--count", "N", "stop after N events"),
            CliConnections.Nats,
        ],
        [
            "",
            "--stage and --station choose frame subjects (mobilex.stations.<NN>.frames.<stage>); --subject names any",
            "subject instead, e.g. mobilex.stations.*.health or mobilex.deadletter.>.",
        ]);

    /// <summary>The subjects to subscribe to, from <c>--subject</c> or from the stations and stages.</summary>
    public static IReadOnlyList<string> SubjectsFor(ParsedArguments args)
    {
        var subjects = args.Values("--subject");
        var stations = args.Stations("--station");
        var stages = args.Values("--stage").Select(s => ParsedArguments.ParseStage("--stage", s)).Distinct().ToList();
        if (subjects.Count > 0)
        {
            if (stations.Count > 0 || stages.Count > 0)
            {
                throw new UsageException("--subject excludes --station and --stage: give a subject, or the stations and stages to build it from.");
            }

            foreach (var subject in subjects)
            {
                if (subject.Any(char.IsWhiteSpace) || subject.Split('.').Any(token => token.Length == 0))
                {
                    throw new UsageException($"--subject '{subject}' is not a NATS subject (dot-separated tokens, no spaces; * and > as wildcards).");
                }
            }

            return subjects;
        }

        var stationTokens = stations.Count > 0 ? stations.Select(s => s.ToString()).ToList() : ["*"];
        var stageTokens = stages.Count > 0 ? stages.Select(s => s.Token()).ToList() : [">"];
        return [.. stationTokens.SelectMany(station => stageTokens.Select(stage => $"{Subjects.Prefix}.stations.{station}.frames.{stage}"))];
    }

    public static async Task<int> RunAsync(ParsedArguments args, CliContext context, CancellationToken cancellationToken)
    {
        var subjects = SubjectsFor(args);
        var count = args.Int("--count", 0, 1, int.MaxValue);
        var (connection, source) = CliConnections.CreateNats(args, context);
        await using var nats = connection;
        try
        {
            await nats.ConnectAsync().ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            throw new CliException($"Cannot reach NATS ({source}): {ex.Message}", ex);
        }

        var events = Channel.CreateUnbounded<NatsMsg<byte[]>>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscriptions = new List<Task>();
        foreach (var subject in subjects)
        {
            var subscription = await nats.SubscribeCoreAsync(subject, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: stop.Token).ConfigureAwait(false);
            subscriptions.Add(ForwardAsync(subscription, events.Writer, stop.Token));
        }

        // The server has the subscriptions once it answers a ping: from here on no event is missed.
        await nats.PingAsync(stop.Token).ConfigureAwait(false);
        context.Error.WriteLine($"listening on {string.Join(", ", subjects)} ({source}); Ctrl-C stops.");

        var printed = 0;
        try
        {
            await foreach (var msg in events.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                context.Out.WriteLine(Line(msg.Subject, msg.Data ?? []));
                context.Out.Flush();
                if (++printed == count)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the normal end of a tail.
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(subscriptions).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    private static async Task ForwardAsync(INatsSub<byte[]> subscription, ChannelWriter<NatsMsg<byte[]>> events, CancellationToken cancellationToken)
    {
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await events.WriteAsync(msg, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary><c>{"subject":"…","message":…}</c>: the message as JSON when it is JSON (every MobileX event is), else as a string.</summary>
    public static string Line(string subject, byte[] payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("subject", subject);
            writer.WritePropertyName("message");
            if (TryParse(payload) is { } document)
            {
                // Written again rather than copied, so an indented payload still makes one line.
                using (document)
                {
                    document.RootElement.WriteTo(writer);
                }
            }
            else
            {
                writer.WriteStringValue(Encoding.UTF8.GetString(payload));
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonDocument? TryParse(byte[] payload)
    {
        try
        {
            return payload.Length == 0 ? null : JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
