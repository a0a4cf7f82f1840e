using System.Globalization;
using Amazon.Runtime;
using MobileX.Contracts;
using MobileX.Cli.Output;
using MobileX.Cli.CommandLine;
using MobileX.Cli.Connections;

namespace MobileX.Cli.Export;

/// <summary><c>mobilex export</c>: runs an <see cref="ExportRunner"/> and prints its summary.</summary>
internal static class ExportCommand
{
    public static async Task<int> RunAsync(ParsedArguments args, CliContext context, CancellationToken cancellationToken)
    {
        var options = ExportOptions.Parse(args, context.CurrentDirectory);
        var (s3, source) = CliConnections.CreateS3(args, context);
        using var client = s3;
        if (options.To > DateTimeOffset.UtcNow)
        {
            context.Error.WriteLine($"warning: --to {Times.Iso(options.To)} is in the future; frames stored after this run lists their hour are not exported.");
        }

        context.Error.WriteLine($"export {options.Stage.Token()} frames of {Stations(options)} in [{Times.Iso(options.From)}, {Times.Iso(options.To)}) from {source} into {options.OutputDirectory}");
        ExportResult result;
        try
        {
            result = await new ExportRunner(client, context).RunAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine($"interrupted: {Kept(options)}; run the same command again to continue after the last one.");
            return 1;
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or IOException)
        {
            // The lake or the disk failed mid-way: what is complete stays, and the same command picks up from there.
            context.Error.WriteLine($"mobilex export: {ex.GetType().Name}: {ex.Message}");
            context.Error.WriteLine($"{Kept(options)}; run the same command again to continue after the last one.");
            return 1;
        }

        var total = result.State;
        if (result.WasComplete)
        {
            context.Out.WriteLine($"{options.OutputDirectory} already holds this complete export; nothing to do.");
        }

        var perSecond = result.Elapsed.TotalSeconds > 0 ? result.WrittenThisRun / result.Elapsed.TotalSeconds : 0;
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"samples {total.Samples}, bytes {total.Bytes} ({total.Bytes / (1024.0 * 1024):0.0} MiB), shards {total.Shards.Count}, skipped {total.Skipped.Count}"));
        if (!result.WasComplete)
        {
            var resumed = result.ResumedAfterShards > 0 ? $", continued after {result.ResumedAfterShards} complete shards" : string.Empty;
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"this run: {result.WrittenThisRun} samples, {result.SkippedThisRun} skipped, elapsed {result.Elapsed.TotalSeconds:0.0} s, {perSecond:0.0} frames/s{resumed}"));
        }

        foreach (var skip in total.Skipped)
        {
            context.Out.WriteLine($"skipped {skip.Station}/{skip.FrameId} ({skip.Bucket}/{skip.Key}): {skip.Reason}");
        }

        return 0;
    }

    private static string Kept(ExportOptions options)
    {
        var state = new ExportDirectory(options).Load();
        return $"{state?.Shards.Count ?? 0} complete shards ({state?.Samples ?? 0} samples) are kept in {options.OutputDirectory}";
    }

    private static string Stations(ExportOptions options) => options.Selection.Stations.Count == 0
        ? "every station"
        : "station " + string.Join(", ", options.Selection.Stations);
}
