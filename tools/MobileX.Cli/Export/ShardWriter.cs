using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MobileX.Cli.Output;

namespace MobileX.Cli.Export;

/// <summary>
/// Writes one shard: its WebDataset tar (each sample's image and JSON adjacent), its imagefolder images, and its
/// manifest and metadata lines. Nothing is visible under its final name until <see cref="CompleteAsync"/>.
/// </summary>
internal sealed class ShardWriter : IAsyncDisposable
{
    private const UnixFileMode FileMode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly ExportDirectory _directory;
    private readonly FileStream? _tarFile;
    private readonly TarWriter? _tar;
    private readonly MemoryStream _manifest = new();
    private readonly MemoryStream _metadata = new();
    private readonly List<string> _staged = [];
    private bool _completed;

    public ShardWriter(ExportDirectory directory, int index)
    {
        _directory = directory;
        Index = index;
        if (directory.WritesWebDataset)
        {
            Directory.CreateDirectory(directory.WebDatasetPath);
            _tarFile = new FileStream(directory.PartialShardPath(index), System.IO.FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            // ustar: every member name is a 32-digit frame id and an extension, well inside its 100 characters,
            // and every tar reader (Python's tarfile, webdataset, GNU tar) reads it without extended headers.
            _tar = new TarWriter(_tarFile, TarEntryFormat.Ustar, leaveOpen: true);
        }
    }

    public int Index { get; }

    public int Samples { get; private set; }

    public long Bytes { get; private set; }

    public ExportSample? Last { get; private set; }

    public async Task AddAsync(ExportSample sample, CancellationToken cancellationToken)
    {
        var document = sample.Document;
        string? tar = null;
        IReadOnlyList<string>? members = null;
        if (_tar is not null)
        {
            var image = $"{document.FrameId}.jpg";
            var json = $"{document.FrameId}.json";
            await WriteMemberAsync(image, sample.Image, document.CapturedAt, cancellationToken).ConfigureAwait(false);
            await WriteMemberAsync(json, JsonSerializer.SerializeToUtf8Bytes(document, CliJsonContext.Default.SampleDocument), document.CapturedAt, cancellationToken).ConfigureAwait(false);
            tar = ExportDirectory.ShardRelativePath(Index);
            members = [image, json];
        }

        string? file = null;
        if (_directory.WritesImageFolder)
        {
            var relative = ExportDirectory.ImageRelativePath(document.Station, document.FrameId);
            var staged = Path.Combine(_directory.StagingPath, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
            await File.WriteAllBytesAsync(staged, sample.Image, cancellationToken).ConfigureAwait(false);
            _staged.Add(relative);
            AppendLine(_metadata, JsonSerializer.SerializeToUtf8Bytes(document with { FileName = relative }, CliJsonContext.Default.SampleDocument));
            file = $"{ExportDirectory.ImageFolderFolder}/{Path.GetFileName(_directory.SplitPath)}/{relative}";
        }

        var line = new ManifestLine(document.FrameId, document.Station, document.Stage, document.CapturedAt, Index, tar, members, file, document.Sha256, document.Bytes);
        AppendLine(_manifest, JsonSerializer.SerializeToUtf8Bytes(line, CliJsonContext.Default.ManifestLine));
        Samples++;
        Bytes += document.Bytes;
        Last = sample;
    }

    /// <summary>
    /// Makes the shard whole, in an order a restart can undo: the tar is flushed to disk, manifest and metadata lines
    /// are appended, images moved into place, then the tar renamed. The caller records the shard in the state last.
    /// </summary>
    public async Task<ShardRecord> CompleteAsync(CancellationToken cancellationToken)
    {
        if (Last is null)
        {
            throw new InvalidOperationException("An empty shard is never completed.");
        }

        if (_tar is not null)
        {
            await _tar.DisposeAsync().ConfigureAwait(false);
            await _tarFile!.FlushAsync(cancellationToken).ConfigureAwait(false);
            _tarFile.Flush(flushToDisk: true);
            await _tarFile.DisposeAsync().ConfigureAwait(false);
        }

        var manifestLength = await AppendAsync(_directory.ManifestPath, _manifest, cancellationToken).ConfigureAwait(false);
        var metadataLength = 0L;
        if (_directory.WritesImageFolder)
        {
            foreach (var relative in _staged)
            {
                var target = Path.Combine(_directory.SplitPath, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(Path.Combine(_directory.StagingPath, relative), target, overwrite: true);
            }

            metadataLength = await AppendAsync(_directory.MetadataPath, _metadata, cancellationToken).ConfigureAwait(false);
        }

        if (_tar is not null)
        {
            File.Move(_directory.PartialShardPath(Index), _directory.ShardPath(Index), overwrite: true);
        }

        _completed = true;
        var last = Last.Document;
        return new ShardRecord(Index, Samples, Bytes, last.Station, last.FrameId, last.CapturedAt, manifestLength, metadataLength);
    }

    private async Task WriteMemberAsync(string name, ReadOnlyMemory<byte> content, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        var data = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        await using (data.ConfigureAwait(false))
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = data, ModificationTime = modified, Mode = FileMode644 };
            await _tar!.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AppendLine(MemoryStream buffer, byte[] json)
    {
        buffer.Write(json);
        buffer.WriteByte((byte)'\n');
    }

    /// <summary>Appends a shard's lines to a JSON-lines file, flushed to disk; returns the file's new length.</summary>
    private static async Task<long> AppendAsync(string path, MemoryStream lines, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, System.IO.FileMode.Append, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        lines.Position = 0;
        await lines.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    public async ValueTask DisposeAsync()
    {
        // An abandoned shard stays as *.partial and staged images; the next run's recovery removes them.
        if (!_completed && _tar is not null)
        {
            await _tar.DisposeAsync().ConfigureAwait(false);
            await _tarFile!.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A sample read from the lake and checked: its image bytes and its metadata document.</summary>
internal sealed record ExportSample(SampleDocument Document, ReadOnlyMemory<byte> Image);
