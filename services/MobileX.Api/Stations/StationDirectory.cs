using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MobileX.Api.Telemetry;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Resilience;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Polly;

namespace MobileX.Api.Stations;

/// <summary>
/// The latest frames and counts of every station, kept from the live NATS subjects so that no request scans the lake.
/// At start-up it seeds itself from the FRAMES stream (<see cref="SeedFromStreamAsync"/>, in
/// <c>StationDirectory.Seeding.cs</c>): per-subject counts and the last message of each station's raw and processed
/// subjects. Each station's state is a <see cref="StationState"/>.
/// </summary>
public sealed partial class StationDirectory : BackgroundService
{
    private readonly INatsConnection nats;
    private readonly INatsJSContext js;
    private readonly IOptions<ApiOptions> options;
    private readonly IOptions<StreamOptions> streamOptions;
    private readonly ResiliencePipeline startup;
    private readonly TimeProvider time;
    private readonly ILogger<StationDirectory> logger;
    private readonly ConcurrentDictionary<StationId, StationState> _stations;

    public StationDirectory(
        INatsConnection nats,
        INatsJSContext js,
        IOptions<ApiOptions> options,
        IOptions<StreamOptions> streamOptions,
        IOptionsMonitor<RetryOptions> retryOptions,
        IMeterFactory meterFactory,
        TimeProvider time,
        ILogger<StationDirectory> logger)
    {
        (this.nats, this.js, this.options, this.streamOptions, this.time, this.logger) = (nats, js, options, streamOptions, time, logger);
        startup = RetryPipeline.Create(retryOptions.Get(ApiOptions.StartupSectionName), OnStartupRetry,
            static ex => ex is NatsException or NatsJSException or TimeoutException, time);
        _stations = new(StationId.Range(options.Value.StationCount).Select(id => KeyValuePair.Create(id, new StationState(id))));
        ApiTelemetry.ObserveLag(meterFactory, All);
    }

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the subscriptions are live and the start-up lookup is done.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Whether <paramref name="message"/> agrees with its subject; a refusal is logged once here.</summary>
    private bool Trusted<T>(string subject, T message, Func<string, T, EventCheckFailure?> check)
    {
        if (check(subject, message) is not { } refused)
        {
            return true;
        }

        ApiLog.RefusedEvent(logger, subject, typeof(T).Name, refused.Reason, refused.Detail);
        return false;
    }

    public bool Exists(StationId id) => _stations.ContainsKey(id);

    public IEnumerable<StationStatus> All() => _stations.Values.OrderBy(s => s.Id).Select(s => s.Status(time, options.Value.StationSilentAfter));

    public StationStatus? Find(StationId id) => _stations.TryGetValue(id, out var s) ? s.Status(time, options.Value.StationSilentAfter) : null;

    public FrameProcessed? LatestProcessed(StationId id) => _stations.TryGetValue(id, out var s) ? s.LatestProcessed : null;

    /// <summary>The trace of the station's latest processed frame (default when it was seeded from the stream).</summary>
    public ActivityContext LatestProcessedTrace(StationId id) => _stations.TryGetValue(id, out var s) ? s.LatestProcessedTrace : default;

    public FrameCaptured? LatestRaw(StationId id) => _stations.TryGetValue(id, out var s) ? s.LatestRaw : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribe before the lookup so nothing published in between is missed; Observe keeps only the newest.
        // Every event is checked against its subject first (EventChecks). A refused raw frame still counts (it arrived
        // on the station's subject and the preprocessor answers it with a rejection) but never becomes the latest
        // frame; any other refused event is dropped, so no forged bucket or key is ever served.
        var raw = Listen(Subjects.AllFramesRaw, ContractSerializers.ForReading<FrameCaptured>(), EventChecks.Check,
            (s, m, _, ok) => s.Observe(m, time, latest: ok), stoppingToken);
        var processed = Listen(Subjects.AllFramesProcessed, ContractSerializers.ForReading<FrameProcessed>(), EventChecks.Check,
            (s, m, trace, ok) => { if (ok) { s.Observe(m, live: true, trace); } }, stoppingToken);
        var rejected = Listen(Subjects.AllFramesRejected, ContractSerializers.ForReading<FrameRejected>(), EventChecks.Check,
            (s, m, _, ok) => { if (ok) { s.Observe(m); } }, stoppingToken);
        var health = Listen(Subjects.AllStationHealth, ContractSerializers.ForReading<StationHealth>(), EventChecks.Check,
            (s, m, _, ok) => { if (ok) { s.Observe(m, time.GetUtcNow()); } }, stoppingToken);

        await SeedFromStreamAsync(stoppingToken);
        _ready.TrySetResult();
        await Task.WhenAll(raw, processed, rejected, health);
    }

    private async Task Listen<T>(string subject, INatsDeserialize<T> serializer, Func<string, T, EventCheckFailure?> check,
        Action<StationState, T, ActivityContext, bool> observe, CancellationToken cancellationToken)
        where T : class
    {
        await foreach (var msg in nats.SubscribeAsync(subject, serializer: serializer, cancellationToken: cancellationToken))
        {
            if (msg.Error is not null || msg.Data is null)
            {
                ApiLog.BadFrameEvent(logger, (Exception?)msg.Error ?? new JsonException("empty message"), msg.Subject, typeof(T).Name);
                continue;
            }

            if (Subjects.TryGetStation(msg.Subject, out var id) && _stations.TryGetValue(id, out var station))
            {
                // The publisher's trace context travels in the headers; keeping it lets later work link to the frame.
                observe(station, msg.Data, msg.Headers.GetActivityContext(), Trusted(msg.Subject, msg.Data, check));
            }
        }
    }
}
