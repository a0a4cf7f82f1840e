using System.Globalization;
using System.Text.Json;
using MobileX.Cli.Connections;
using MobileX.Cli.Output;

namespace MobileX.Cli.Export;

/// <summary>
/// The layout of an export directory and its restart rule. Only complete shards count: each is written aside
/// (<c>*.tar.partial</c>, <c>.partial/</c>) and moved into place before <c>export-state.json</c> records it, so after
/// any interruption the state names exactly what is whole, and <see cref="Recover"/> removes or truncates the rest.
/// </summary>
internal sealed class ExportDirectory(ExportOptions options)
{
    public const string StateFileName = "export-state.json";
    public const string ManifestFileName = "manifest.jsonl";
    public const string MetadataFileName = "metadata.jsonl";
    public const string WebDatasetFolder = "webdataset";
    public const string ImageFolderFolder = "imagefolder";
    private const string PartialSuffix = ".partial";
    private const string StagingFolder = ".partial";

    public string Root { get; } = options.OutputDirectory;

    public string StatePath => Path.Combine(Root, StateFileName);

    public string ManifestPath => Path.Combine(Root, ManifestFileName);

    public string WebDatasetPath => Path.Combine(Root, WebDatasetFolder);

    /// <summary><c>imagefolder/&lt;split&gt;</c>: Hugging Face reads the split from this folder and the metadata in it.</summary>
    public string SplitPath => Path.Combine(Root, ImageFolderFolder, options.Split);

    public string MetadataPath => Path.Combine(SplitPath, MetadataFileName);

    /// <summary>Where a shard's imagefolder images wait until the shard is complete.</summary>
    public string StagingPath => Path.Combine(Root, StagingFolder);

    public bool WritesWebDataset => (options.Formats & ExportFormats.WebDataset) != 0;

    public bool WritesImageFolder => (options.Formats & ExportFormats.ImageFolder) != 0;

    public static string ShardName(int index) => string.Create(CultureInfo.InvariantCulture, $"shard-{index:000000}.tar");

    /// <summary>The shard's tar relative to the export directory, as the manifest names it.</summary>
    public static string ShardRelativePath(int index) => $"{WebDatasetFolder}/{ShardName(index)}";

    public string ShardPath(int index) => Path.Combine(WebDatasetPath, ShardName(index));

    public string PartialShardPath(int index) => ShardPath(index) + PartialSuffix;

    /// <summary>An image's path relative to <c>metadata.jsonl</c>: <c>station-NN/&lt;frameId&gt;.jpg</c>.</summary>
    public static string ImageRelativePath(string station, string frameId) => $"station-{station}/{frameId}.jpg";

    /// <summary>
    /// The state of an earlier run of this same export, or null for a new one.
    /// </summary>
    /// <exception cref="CliException">The directory holds another export, or files that are not an export.</exception>
    public ExportState? Load()
    {
        if (!File.Exists(StatePath))
        {
            if (Directory.Exists(Root) && Directory.EnumerateFileSystemEntries(Root).Any())
            {
                throw new CliException($"{Root} is not empty and holds no {StateFileName}: export into a new or empty directory.");
            }

            return null;
        }

        ExportState? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllBytes(StatePath), CliJsonContext.Default.ExportState);
        }
        catch (JsonException ex)
        {
            throw new CliException($"{StatePath} is not an export state ({ex.Message}); export into another directory, or delete it to start over.");
        }

        if (state is null || state.Version != ExportState.SchemaVersion)
        {
            throw new CliException($"{StatePath} is from another version of mobilex (version {state?.Version}); export into another directory.");
        }

        var wanted = options.Identity();
        if (state.Selection.Identity != wanted)
        {
            throw new CliException(
                $"{Root} holds a different export: {state.Selection.Identity}. This command asks for {wanted}. " +
                "Only the same selection, shard size and formats continue an export; use another --out, or delete the directory to start over.");
        }

        return state;
    }

    /// <summary>Writes the state beside a temporary file and renames it over the old one, so a reader never sees half of it.</summary>
    public void Save(ExportState state)
    {
        Directory.CreateDirectory(Root);
        var temporary = StatePath + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, state, CliIndentedJsonContext.Default.ExportState);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, StatePath, overwrite: true);
    }

    /// <summary>Removes the folder where images wait for their shard; empty once every shard is complete.</summary>
    public void RemoveStaging()
    {
        if (Directory.Exists(StagingPath))
        {
            Directory.Delete(StagingPath, recursive: true);
        }
    }

    /// <summary>
    /// Puts the directory back to what <paramref name="state"/> records: partial shards and staged images removed,
    /// shards the state does not list deleted, manifest and metadata truncated to the last complete shard.
    /// </summary>
    public void Recover(ExportState state)
    {
        RemoveStaging();

        if (Directory.Exists(WebDatasetPath))
        {
            foreach (var partial in Directory.EnumerateFiles(WebDatasetPath, "*" + PartialSuffix))
            {
                File.Delete(partial);
            }

            // A shard renamed into place just before an interruption, but not yet in the state: it is written again.
            for (var index = state.Shards.Count; File.Exists(ShardPath(index)); index++)
            {
                File.Delete(ShardPath(index));
            }
        }

        var last = state.Shards.Count > 0 ? state.Shards[^1] : null;
        Truncate(ManifestPath, last?.ManifestLength ?? 0);
        if (WritesImageFolder)
        {
            Truncate(MetadataPath, last?.MetadataLength ?? 0);
        }

        static void Truncate(string path, long length)
        {
            var actual = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (actual < length)
            {
                throw new CliException($"{path} is {actual} bytes, shorter than the {length} bytes its complete shards wrote: the directory was changed by hand; delete it to start over.");
            }

            if (actual > length)
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                file.SetLength(length);
                file.Flush(flushToDisk: true);
            }
        }
    }
}
