using MobileX.Cli.Output;
using MobileX.Cli.CommandLine;
using MobileX.Contracts;
using MobileX.Feeds;

namespace MobileX.Cli.Export;

/// <summary>The output formats an export writes; the manifest is always written.</summary>
[Flags]
internal enum ExportFormats
{
    None = 0,

    /// <summary>Tar shards, one <c>&lt;frameId&gt;.jpg</c> + <c>&lt;frameId&gt;.json</c> pair per sample.</summary>
    WebDataset = 1,

    /// <summary>Hugging Face imagefolder: the images under a split folder with a <c>metadata.jsonl</c>.</summary>
    ImageFolder = 2,
}

/// <summary>What <c>mobilex export</c> was asked for.</summary>
internal sealed record ExportOptions
{
    public const int DefaultShardSize = 1000;
    public const int DefaultParallelism = 8;
    public const string DefaultSplit = "train";

    /// <summary>The frames: stations (empty for every station with data), one stage, and <c>[From, To)</c>.</summary>
    public required FrameSelection Selection { get; init; }

    public FrameStage Stage => Selection.Stages[0];

    public DateTimeOffset From => Selection.From!.Value;

    public DateTimeOffset To => Selection.To!.Value;

    public required string OutputDirectory { get; init; }

    public int ShardSize { get; init; } = DefaultShardSize;

    public ExportFormats Formats { get; init; } = ExportFormats.WebDataset;

    /// <summary>The imagefolder split folder (<c>train</c>).</summary>
    public string Split { get; init; } = DefaultSplit;

    /// <summary>Samples read from the lake at once (each one GET at a time: the image, then its lineage or label).</summary>
    public int Parallelism { get; init; } = DefaultParallelism;

    /// <summary>
    /// Everything that decides what the export directory holds. A second run into the same directory continues only
    /// when this is the same; parallelism is left out, since it changes how fast, not what.
    /// </summary>
    public string Identity() => string.Join(';',
        Selection.Fingerprint(),
        $"shardSize={ShardSize}",
        $"formats={FormatNames(Formats)}",
        (Formats & ExportFormats.ImageFolder) != 0 ? $"split={Split}" : "split=-");

    public static string FormatNames(ExportFormats formats) => string.Join(',',
        new[] { (ExportFormats.WebDataset, "webdataset"), (ExportFormats.ImageFolder, "imagefolder") }
            .Where(f => (formats & f.Item1) != 0).Select(f => f.Item2));

    public static readonly CommandSpec Spec = new(
        "export",
        "write a station range of the lake as training data (WebDataset tar shards, Hugging Face imagefolder), restartably",
        [
            new("--station", "NN", "a station to export (repeat, or 03,04)", Repeatable: true),
            new("--all-stations", null, "every station with data at the stage (instead of --station)"),
            new("--stage", "raw|processed|rejected", "which frames: raw frames, busts with lineage, or rejected frames with their label"),
            new("--from", "TIME", "first capture time, inclusive (ISO 8601, UTC unless an offset is given)"),
            new("--to", "TIME", "capture time to stop at, exclusive"),
            new("--out", "DIR", "the export directory (new, empty, or an earlier run of the same export to continue)"),
            new("--shard-size", "N", $"samples per shard, the unit of restart (default {DefaultShardSize})"),
            new("--format", "webdataset,imagefolder", "what to write besides manifest.jsonl (default webdataset)"),
            new("--split", "NAME", $"imagefolder split folder (default {DefaultSplit})"),
            new("--parallel", "N", $"samples read from the lake at once (default {DefaultParallelism})"),
            Connections.CliConnections.S3,
        ],
        [
            "",
            "Writes DIR/webdataset/shard-NNNNNN.tar, DIR/imagefolder/<split>/station-NN/<frameId>.jpg with",
            "DIR/imagefolder/<split>/metadata.jsonl, DIR/manifest.jsonl and DIR/export-state.json. Every image's sha256",
            "is checked against the lake; a frame that fails is skipped, reported and counted, never written.",
            "Interrupted? Run the same command again: it continues after the last complete shard.",
        ]);

    /// <exception cref="UsageException">A missing or malformed option; the message names it.</exception>
    public static ExportOptions Parse(ParsedArguments args, string currentDirectory)
    {
        var stations = args.Stations("--station");
        var all = args.Flag("--all-stations");
        if (stations.Count == 0 && !all)
        {
            throw new UsageException("option --station is required (or --all-stations): which stations to export, e.g. --station 03.");
        }

        if (stations.Count > 0 && all)
        {
            throw new UsageException("options --station and --all-stations exclude each other: give one.");
        }

        var stage = ParsedArguments.ParseStage("--stage", args.Required("--stage"));
        _ = args.Required("--from");
        _ = args.Required("--to");
        var from = args.Time("--from")!.Value;
        var to = args.Time("--to")!.Value;
        if (to <= from)
        {
            throw new UsageException($"--to ({Times.Iso(to)}) must be after --from ({Times.Iso(from)}): the range is [from, to).");
        }

        var formats = ExportFormats.None;
        foreach (var name in args.Values("--format"))
        {
            formats |= name.ToLowerInvariant() switch
            {
                "webdataset" => ExportFormats.WebDataset,
                "imagefolder" => ExportFormats.ImageFolder,
                _ => throw new UsageException($"--format '{name}' is not a format: use webdataset, imagefolder or both (webdataset,imagefolder)."),
            };
        }

        var split = args.Value("--split") ?? DefaultSplit;
        if (split.Length == 0 || split.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new UsageException($"--split '{split}' is not a folder name: use letters, digits, '-' and '_' (train, test, validation).");
        }

        return new ExportOptions
        {
            Selection = new FrameSelection { Stations = stations, Stages = [stage], From = from, To = to },
            OutputDirectory = Path.GetFullPath(args.Required("--out"), currentDirectory),
            ShardSize = args.Int("--shard-size", DefaultShardSize, 1, 10_000_000),
            Formats = formats == ExportFormats.None ? ExportFormats.WebDataset : formats,
            Split = split,
            Parallelism = args.Int("--parallel", DefaultParallelism, 1, 256),
        };
    }
}
