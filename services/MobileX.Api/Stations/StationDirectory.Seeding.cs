using System.Text.Json;
using MobileX.Api.Telemetry;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MobileX.Api.Stations;

/// <summary>
/// The start-up seed of the directory from the FRAMES stream: per-subject counts and the last message of each
/// station's subjects. <see cref="SeedFromStreamAsync"/> holds the whole retry loop (provision the streams, read them,
/// back off on a NATS fault) in one place, so a shared resilience pipeline can replace it as one piece.
/// </summary>
public sealed partial class StationDirectory
{
    private async Task SeedFromStreamAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                // Every replica may do this; it creates the streams only when they are missing.
                await StreamProvisioning.EnsureStreamsAsync(js, streamOptions.Value, cancellationToken);
                var stream = await js.GetStreamAsync(Streams.Frames, new StreamInfoRequest { SubjectsFilter = Subjects.AllFrames }, cancellationToken);
                var counts = stream.Info.State.Subjects ?? new Dictionary<string, long>();
                foreach (var station in _stations.Values)
                {
                    station.Seed(
                        Count(counts, Subjects.FramesRaw(station.Id)),
                        Count(counts, Subjects.FramesProcessed(station.Id)),
                        Count(counts, Subjects.FramesRejected(station.Id)));
                    if (counts.ContainsKey(Subjects.FramesRaw(station.Id)))
                    {
                        station.Observe(await LastAsync<FrameCaptured>(stream, Subjects.FramesRaw(station.Id), cancellationToken), time, live: false);
                    }

                    if (counts.ContainsKey(Subjects.FramesProcessed(station.Id)))
                    {
                        station.Observe(await LastAsync<FrameProcessed>(stream, Subjects.FramesProcessed(station.Id), cancellationToken), live: false);
                    }

                    if (counts.ContainsKey(Subjects.FramesRejected(station.Id)))
                    {
                        station.Observe(await LastAsync<FrameRejected>(stream, Subjects.FramesRejected(station.Id), cancellationToken), live: false);
                    }
                }

                ApiLog.DirectoryLoaded(logger, _stations.Count, Streams.Frames);
                return;
            }
            catch (Exception ex) when (ex is NatsException or NatsJSException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                ApiLog.StartupLookupFailed(logger, ex, Streams.Frames, delay);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private static long Count(IDictionary<string, long> counts, string subject) =>
        counts.TryGetValue(subject, out var n) ? n : 0;

    private static async Task<T?> LastAsync<T>(INatsJSStream stream, string subject, CancellationToken cancellationToken)
        where T : class
    {
        var response = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = subject }, cancellationToken);
        return response.Message is { Data.IsEmpty: false } message
            ? (T?)JsonSerializer.Deserialize(message.Data.Span, typeof(T), ContractsJsonContext.Default)
            : null;
    }
}
