using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;

namespace MobileX.Cli.Tests.Infrastructure;

/// <summary>One tar member read back from a shard.</summary>
internal sealed record TarMember(string Shard, string Name, byte[] Data);

/// <summary>An export directory read back with nothing of the CLI's own code: System.Formats.Tar and JSON.</summary>
internal sealed class ExportContents
{
    private ExportContents(string root) => Root = root;

    public string Root { get; }

    /// <summary>Every member of every shard, shards in name order, members in archive order.</summary>
    public List<TarMember> Members { get; } = [];

    public List<string> Shards { get; } = [];

    public List<JsonElement> Manifest { get; } = [];

    public List<JsonElement> Metadata { get; } = [];

    public static ExportContents Read(string root, string split = "train")
    {
        var contents = new ExportContents(root);
        var webdataset = Path.Combine(root, "webdataset");
        if (Directory.Exists(webdataset))
        {
            foreach (var shard in Directory.GetFiles(webdataset).Order(StringComparer.Ordinal))
            {
                contents.Shards.Add(Path.GetFileName(shard));
                using var reader = new TarReader(File.OpenRead(shard));
                while (reader.GetNextEntry(copyData: true) is { } entry)
                {
                    using var data = new MemoryStream();
                    entry.DataStream?.CopyTo(data);
                    contents.Members.Add(new TarMember(Path.GetFileName(shard), entry.Name, data.ToArray()));
                }
            }
        }

        contents.Manifest.AddRange(Lines(Path.Combine(root, "manifest.jsonl")));
        contents.Metadata.AddRange(Lines(Path.Combine(root, "imagefolder", split, "metadata.jsonl")));
        return contents;
    }

    /// <summary>The samples of the tars: each <c>.jpg</c> with the <c>.json</c> that follows it.</summary>
    public List<(string Shard, string FrameId, byte[] Image, JsonElement Document)> Samples()
    {
        var samples = new List<(string, string, byte[], JsonElement)>();
        Assert.True(Members.Count % 2 == 0, $"{Members.Count} tar members: samples are pairs.");
        for (var i = 0; i < Members.Count; i += 2)
        {
            var image = Members[i];
            var json = Members[i + 1];
            Assert.EndsWith(".jpg", image.Name, StringComparison.Ordinal);
            var key = image.Name[..^".jpg".Length];
            Assert.Equal(key + ".json", json.Name);
            Assert.Equal(image.Shard, json.Shard);
            samples.Add((image.Shard, key, image.Data, JsonDocument.Parse(json.Data).RootElement.Clone()));
        }

        return samples;
    }

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static IEnumerable<JsonElement> Lines(string path) => File.Exists(path)
        ? File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone())
        : [];
}
