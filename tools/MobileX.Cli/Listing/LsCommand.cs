using System.Globalization;
using System.Text.Json;
using MobileX.Cli.CommandLine;
using MobileX.Cli.Connections;
using MobileX.Cli.Output;
using MobileX.Contracts;
using MobileX.Feeds.Lake;

namespace MobileX.Cli.Listing;

/// <summary>One frame as <c>mobilex ls --json</c> prints it.</summary>
internal sealed record ListedFrame(string Station, string Stage, string FrameId, DateTimeOffset CapturedAt, string Bucket, string Key, long Size);

/// <summary>A station's frame counts as <c>mobilex ls --json</c> (without <c>--station</c>) prints them; null for a stage not counted.</summary>
internal sealed record StationCounts(string Station, long? Raw, long? Processed, long? Rejected);

/// <summary><c>mobilex ls</c>: the lake's frames of a station, or how many each station has per stage.</summary>
internal static class LsCommand
{
    private static readonly FrameStage[] AllStages = [FrameStage.Raw, FrameStage.Processed, FrameStage.Rejected];

    public static readonly CommandSpec Spec = new(
        "ls",
        "list a station's frames in the lake, or (without --station) each station's frame count per stage",
        [
            new("--station", "NN", "list this station's frames (repeat, or 03,04)", Repeatable: true),
            new("--stage", "raw|processed|rejected", "which frames (default raw with --station; every stage in the summary)"),
            new("--from", "TIME", "first capture time, inclusive (ISO 8601, UTC unless an offset is given)"),
            new("--to", "TIME", "capture time to stop at, exclusive"),
            new("--limit", "N", "print at most N frames"),
            new("--json", null, "one JSON object a line instead of a table"),
            CliConnections.S3,
        ]);

    public static async Task<int> RunAsync(ParsedArguments args, CliContext context, CancellationToken cancellationToken)
    {
        var stations = args.Stations("--station");
        var stage = args.Stage("--stage");
        var from = args.Time("--from");
        var to = args.Time("--to");
        if (from is { } f && to is { } t && t <= f)
        {
            throw new UsageException($"--to ({Times.Iso(t)}) must be after --from ({Times.Iso(f)}): the range is [from, to).");
        }

        var limit = args.Int("--limit", int.MaxValue, 1, int.MaxValue);
        var json = args.Flag("--json");
        var (s3, _) = CliConnections.CreateS3(args, context);
        using var client = s3;
        var catalog = new LakeCatalog(client);
        return stations.Count > 0
            ? await FramesAsync(catalog, stations, stage ?? FrameStage.Raw, from, to, limit, json, context, cancellationToken).ConfigureAwait(false)
            : await SummaryAsync(catalog, stage is { } one ? [one] : AllStages, from, to, json, context, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> FramesAsync(LakeCatalog catalog, IReadOnlyList<StationId> stations, FrameStage stage, DateTimeOffset? from, DateTimeOffset? to,
        int limit, bool json, CliContext context, CancellationToken cancellationToken)
    {
        if (!json)
        {
            context.Out.WriteLine("station\tstage\tframeId\tcapturedAt\tkey\tsize");
        }

        var printed = 0;
        foreach (var station in stations)
        {
            await foreach (var entry in catalog.ListAsync(station, stage, from, to, cancellationToken).ConfigureAwait(false))
            {
                if (printed++ == limit)
                {
                    return 0;
                }

                if (json)
                {
                    var frame = new ListedFrame(entry.Station.ToString(), entry.Stage.Token(), entry.FrameId.ToString(), entry.CapturedAt, entry.Bucket, entry.Key, entry.Size);
                    context.Out.WriteLine(JsonSerializer.Serialize(frame, CliJsonContext.Default.ListedFrame));
                }
                else
                {
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{entry.Station}\t{entry.Stage.Token()}\t{entry.FrameId}\t{entry.CapturedAt:yyyy-MM-ddTHH:mm:ss.fffZ}\t{entry.Bucket}/{entry.Key}\t{entry.Size}"));
                }
            }
        }

        return 0;
    }

    private static async Task<int> SummaryAsync(LakeCatalog catalog, IReadOnlyList<FrameStage> stages, DateTimeOffset? from, DateTimeOffset? to, bool json,
        CliContext context, CancellationToken cancellationToken)
    {
        var counts = new SortedDictionary<StationId, Dictionary<FrameStage, long>>();
        foreach (var stage in stages)
        {
            foreach (var station in await catalog.StationsAsync(cancellationToken).ConfigureAwait(false))
            {
                long count = 0;
                await foreach (var _ in catalog.ListAsync(station, stage, from, to, cancellationToken).ConfigureAwait(false))
                {
                    count++;
                }

                if (!counts.TryGetValue(station, out var perStage))
                {
                    counts[station] = perStage = [];
                }

                perStage[stage] = count;
            }
        }

        if (!json)
        {
            context.Out.WriteLine("station\t" + string.Join('\t', stages.Select(s => s.Token())));
        }

        foreach (var (station, perStage) in counts)
        {
            long? Count(FrameStage stage) => stages.Contains(stage) ? perStage.GetValueOrDefault(stage) : null;
            if (json)
            {
                var row = new StationCounts(station.ToString(), Count(FrameStage.Raw), Count(FrameStage.Processed), Count(FrameStage.Rejected));
                context.Out.WriteLine(JsonSerializer.Serialize(row, CliJsonContext.Default.StationCounts));
            }
            else
            {
                context.Out.WriteLine($"{station}\t" + string.Join('\t', stages.Select(s => perStage.GetValueOrDefault(s).ToString(CultureInfo.InvariantCulture))));
            }
        }

        if (counts.Count == 0)
        {
            context.Error.WriteLine("the lake holds no frames" + (from is not null || to is not null ? " in that range" : string.Empty) + ".");
        }

        return 0;
    }
}
