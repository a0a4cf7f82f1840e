using System.Text.Json;
using MobileX.Api.Telemetry;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Resilience;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Polly;

namespace MobileX.Api.Stations;

/// <summary>
/// The start-up seed of the directory from the FRAMES stream: per-subject counts and the last message of each
/// station's subjects, after the API's own EVENTS stream exists and FRAMES, the preprocessor's, has appeared. Every step
/// runs through the API's start-up resilience pipeline (<c>Api:Startup</c>).
/// </summary>
public sealed partial class StationDirectory
{
    private async Task SeedFromStreamAsync(CancellationToken cancellationToken)
    {
        // The API owns EVENTS (every replica may set it); FRAMES is the preprocessor's, so wait until it exists.
        await startup.ExecuteAsync(StartupStream, Streams.Events,
            ct => StreamProvisioning.EnsureAsync(js, StreamProvisioning.EventsStream(streamOptions.Value), ct), cancellationToken);
        await StreamProvisioning.WaitForStreamAsync(js, Streams.Frames, startup, cancellationToken);
        await startup.ExecuteAsync(
            async ct =>
            {
                var stream = await js.GetStreamAsync(Streams.Frames, new StreamInfoRequest { SubjectsFilter = Subjects.AllFrames }, ct);
                var counts = stream.Info.State.Subjects ?? new Dictionary<string, long>();
                foreach (var station in _stations.Values)
                {
                    if (counts.ContainsKey(Subjects.FramesRaw(station.Id)))
                    {
                        station.Observe(Checked(await LastAsync<FrameCaptured>(stream, Subjects.FramesRaw(station.Id), ct), Subjects.FramesRaw(station.Id), EventChecks.Check), time, live: false);
                    }

                    if (counts.ContainsKey(Subjects.FramesProcessed(station.Id)))
                    {
                        station.Observe(Checked(await LastAsync<FrameProcessed>(stream, Subjects.FramesProcessed(station.Id), ct), Subjects.FramesProcessed(station.Id), EventChecks.Check), live: false);
                    }

                    if (counts.ContainsKey(Subjects.FramesRejected(station.Id)))
                    {
                        station.Observe(Checked(await LastAsync<FrameRejected>(stream, Subjects.FramesRejected(station.Id), ct), Subjects.FramesRejected(station.Id), EventChecks.Check), live: false);
                    }
                }

                // Counts add to what live events already counted, so they are added only once every read has
                // succeeded: a retried attempt must not count the history twice.
                foreach (var station in _stations.Values)
                {
                    station.Seed(
                        Count(counts, Subjects.FramesRaw(station.Id)),
                        Count(counts, Subjects.FramesProcessed(station.Id)),
                        Count(counts, Subjects.FramesRejected(station.Id)));
                }

                ApiLog.DirectoryLoaded(logger, _stations.Count, Streams.Frames);
            },
            cancellationToken);
    }

    /// <summary>Which stream a start-up step was working on, for its retry log; FRAMES unless set.</summary>
    private static readonly ResiliencePropertyKey<string> StartupStream = new("mobilex.api.stream");

    private void OnStartupRetry(RetryAttempt retry)
    {
        if (!StreamProvisioning.LogIfWaiting(logger, retry.Exception, retry.Attempt, retry.Delay))
        {
            ApiLog.StartupLookupFailed(logger, retry.Exception, retry.Context.Properties.GetValue(StartupStream, Streams.Frames), retry.Delay);
        }
    }

    /// <summary>The stream's last event of a subject when it agrees with the subject, as a live one must; else null.</summary>
    private T? Checked<T>(T? message, string subject, Func<string, T, EventCheckFailure?> check)
        where T : class => message is not null && Trusted(subject, message, check) ? message : null;

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
