using System.Text.Json;
using System.Threading.Channels;
using Amazon.S3;
using MobileX.Contracts;
using MobileX.Feeds.Lake;

namespace MobileX.Cli.Export;

/// <summary>What an export run did, for its summary.</summary>
/// <param name="WrittenThisRun">Samples written by this run (an earlier, interrupted run wrote the others).</param>
/// <param name="ResumedAfterShards">Complete shards found from an earlier run.</param>
internal sealed record ExportResult(ExportState State, int WrittenThisRun, long BytesThisRun, int SkippedThisRun, TimeSpan Elapsed, int ResumedAfterShards, bool WasComplete);

/// <summary>
/// Exports a frame selection from the lake: lists it with <see cref="LakeCatalog"/> station by station in frame-id
/// order, reads up to <see cref="ExportOptions.Parallelism"/> samples at once with <see cref="LakeReader"/> (which
/// checks each image's sha256), and writes them in listing order into shards of <see cref="ExportOptions.ShardSize"/>.
/// Each complete shard is recorded in the state file; a later run of the same export continues after the last one.
/// </summary>
internal sealed class ExportRunner(IAmazonS3 s3, CliContext context)
{
    // Listing runs ahead of reading by up to this many frames: enough that the total is known early for the
    // progress bar, bounded so a month of frames does not sit in memory.
    private const int ListingLookahead = 100_000;

    private readonly LakeCatalog _catalog = new(s3);
    private readonly LakeReader _reader = new(s3);

    public async Task<ExportResult> RunAsync(ExportOptions options, CancellationToken cancellationToken)
    {
        options.Selection.Validate();
        var directory = new ExportDirectory(options);
        var state = directory.Load();
        if (state is { Complete: true })
        {
            return new ExportResult(state, 0, 0, 0, TimeSpan.Zero, state.Shards.Count, WasComplete: true);
        }

        var resumed = 0;
        if (state is null)
        {
            // --all-stations is resolved once and kept: a station that appears later does not reorder a half-done export.
            var stations = options.Selection.Stations.Count > 0
                ? options.Selection.Stations
                : await _catalog.StationsAsync(cancellationToken).ConfigureAwait(false);
            state = new ExportState(Record(options), [.. stations.Select(s => s.ToString())], [], [], false, DateTimeOffset.UtcNow, null);
            directory.Save(state);
        }
        else
        {
            directory.Recover(state);
            resumed = state.Shards.Count;
        }

        await using var progress = new ExportProgress(context);
        if (resumed > 0)
        {
            progress.Message($"continuing {directory.Root} after shard {resumed - 1} ({state.Samples} samples already written)");
        }

        var written = 0;
        long bytes = 0;
        var skippedThisRun = 0;
        var shards = state.Shards.ToList();
        var skipped = state.Skipped.ToList();
        var pendingSkipped = new List<SkippedFrame>();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;
        var entries = Channel.CreateBounded<LakeEntry>(new BoundedChannelOptions(ListingLookahead) { SingleReader = true, SingleWriter = true });
        var reads = Channel.CreateUnbounded<Task<Fetched>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var slots = new SemaphoreSlim(options.Parallelism);
        var cursor = shards.Count > 0 ? shards[^1] : null;
        var listing = Task.Run(() => ListAsync(state.Stations, options, cursor, entries.Writer, progress, token), token);
        var reading = Task.Run(() => ReadAsync(entries.Reader, reads.Writer, slots, token), token);

        ShardWriter? shard = null;
        try
        {
            await foreach (var read in reads.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                // ReadAllAsync hands out what is already buffered even once cancelled; stop at the next sample.
                token.ThrowIfCancellationRequested();
                Fetched fetched;
                try
                {
                    fetched = await read.ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }

                if (fetched.Skipped is { } skip)
                {
                    pendingSkipped.Add(skip);
                    skippedThisRun++;
                    progress.Skip();
                    progress.Message($"skipped {skip.Station}/{skip.FrameId}: {skip.Reason}");
                    continue;
                }

                shard ??= new ShardWriter(directory, shards.Count);
                await shard.AddAsync(fetched.Sample!, token).ConfigureAwait(false);
                written++;
                bytes += fetched.Sample!.Document.Bytes;
                progress.Written(fetched.Sample.Document.Bytes);
                if (shard.Samples == options.ShardSize)
                {
                    await CompleteAsync().ConfigureAwait(false);
                }
            }

            if (shard is { Samples: > 0 })
            {
                await CompleteAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(listing, reading).ConfigureAwait(false);
            skipped.AddRange(pendingSkipped);
            state = state with { Shards = [.. shards], Skipped = [.. skipped], Complete = true, CompletedAt = DateTimeOffset.UtcNow };
            directory.Save(state);
            directory.RemoveStaging();
        }
        catch
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await DrainAsync(listing, reading, reads.Reader).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (shard is not null)
            {
                await shard.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new ExportResult(state, written, bytes, skippedThisRun, progress.Elapsed, resumed, WasComplete: false);

        async Task CompleteAsync()
        {
            // Not cancellable: a shard, once full, is committed whole (and quickly) so the state never lags what is on disk.
            var record = await shard!.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            shards.Add(record);
            skipped.AddRange(pendingSkipped);
            pendingSkipped.Clear();
            state = state with { Shards = [.. shards], Skipped = [.. skipped] };
            directory.Save(state);
            await shard.DisposeAsync().ConfigureAwait(false);
            shard = null;
            context.ShardCompleted?.Invoke(shards.Count);
        }
    }

    /// <summary>Lists the selection station by station, leaving out what complete shards already hold.</summary>
    private async Task ListAsync(IReadOnlyList<string> stations, ExportOptions options, ShardRecord? cursor, ChannelWriter<LakeEntry> output,
        ExportProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            var cursorStation = cursor is null ? (StationId?)null : StationId.Parse(cursor.LastStation);
            var cursorFrame = cursor is null ? (FrameId?)null : FrameId.Parse(cursor.LastFrameId);
            foreach (var station in stations.Select(StationId.Parse))
            {
                if (cursorStation is { } done && station.CompareTo(done) < 0)
                {
                    continue;
                }

                var from = options.From;
                var resumeHere = cursorStation == station;
                if (resumeHere && HourOf(cursor!.LastCapturedAt) > from)
                {
                    // The catalog lists hour by hour; the hours before the cursor's are wholly in complete shards.
                    from = HourOf(cursor.LastCapturedAt);
                }

                await foreach (var entry in _catalog.ListAsync(station, options.Stage, from, options.To, cancellationToken).ConfigureAwait(false))
                {
                    if (resumeHere && !IsAfter(entry, cursor!.LastCapturedAt, cursorFrame!.Value))
                    {
                        continue;
                    }

                    progress.Listed();
                    await output.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
                }
            }

            progress.ListingComplete();
            output.Complete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
        }
    }

    /// <summary>Starts a read per listed frame, at most as many at once as there are slots; hands them on in listing order.</summary>
    private async Task ReadAsync(ChannelReader<LakeEntry> input, ChannelWriter<Task<Fetched>> output, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var entry in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(FetchAsync(entry, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            output.Complete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
        }
    }

    /// <summary>Reads one sample; a frame whose bytes are not what the lake announced comes back as skipped, not as an error.</summary>
    private async Task<Fetched> FetchAsync(LakeEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            RejectionLabel? label = null;
            if (entry.LabelKey is { } labelKey)
            {
                label = await _reader.ReadLabelAsync(labelKey, cancellationToken).ConfigureAwait(false);
            }

            var image = await _reader.ReadImageAsync(entry.ImageBucket, entry.ImageKey, expectedSha256: null, cancellationToken).ConfigureAwait(false);
            ProcessedLineage? lineage = null;
            if (entry.LineageKey is { } lineageKey)
            {
                lineage = await _reader.ReadLineageAsync(lineageKey, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(lineage.OutputSha256, image.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    return Skip(entry, $"its lineage {Buckets.Processed}/{lineageKey} names sha256 {lineage.OutputSha256}, the bust's is {image.Sha256}.");
                }
            }

            var document = new SampleDocument(entry.FrameId.ToString(), entry.Station.ToString(), entry.Stage.Token(), entry.CapturedAt,
                image.Bucket, image.Key, image.Sha256, image.Bytes.Length,
                lineage is null ? null : JsonSerializer.SerializeToElement(lineage, ContractsJsonContext.Default.ProcessedLineage),
                label is null ? null : JsonSerializer.SerializeToElement(label, ContractsJsonContext.Default.RejectionLabel));
            return new Fetched(new ExportSample(document, image.Bytes), null);
        }
        catch (FrameIntegrityException ex)
        {
            return Skip(entry, ex.Message);
        }

        static Fetched Skip(LakeEntry entry, string reason) =>
            new(null, new SkippedFrame(entry.FrameId.ToString(), entry.Station.ToString(), entry.ImageBucket, entry.ImageKey, reason));
    }

    private static async Task DrainAsync(Task listing, Task reading, ChannelReader<Task<Fetched>> reads)
    {
        try
        {
            await Task.WhenAll(listing, reading).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The stages complete their channels with their error; the caller already has the one that stopped it.
        }

        while (reads.TryRead(out var read))
        {
            try
            {
                await read.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Cancelled with the export.
            }
        }
    }

    /// <summary>Listing order within a station: hour partition, then frame id (see <see cref="LakeCatalog.ListAsync"/>).</summary>
    private static bool IsAfter(LakeEntry entry, DateTimeOffset lastCapturedAt, FrameId lastFrame)
    {
        var hour = HourOf(entry.CapturedAt).CompareTo(HourOf(lastCapturedAt));
        return hour > 0 || (hour == 0 && entry.FrameId.CompareTo(lastFrame) > 0);
    }

    private static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private static ExportSelectionRecord Record(ExportOptions options) => new(
        options.Identity(),
        [.. options.Selection.Stations.Select(s => s.ToString())],
        options.Selection.Stations.Count == 0,
        options.Stage.Token(),
        options.From,
        options.To,
        options.ShardSize,
        ExportOptions.FormatNames(options.Formats),
        options.Split);

    private sealed record Fetched(ExportSample? Sample, SkippedFrame? Skipped);
}
