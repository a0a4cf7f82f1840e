using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MobileX.Api.Extensions;
using MobileX.Contracts;
using MobileX.Messaging;
using MobileX.Resilience;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Polly;

namespace MobileX.Api.Stations;

/// <summary>A station's live status as the API reports it.</summary>
/// <param name="Health">One of <see cref="StationHealthStates"/>: the station's last report, or silent/unknown.</param>
/// <param name="HealthReason">Why the station is not ok, naming it; null when it is.</param>
/// <param name="LagFrames">Raw frames with no outcome (processed or rejected) yet: how far preprocessing is behind.</param>
/// <param name="LagSeconds">Capture time of the newest raw frame minus that of the newest outcome; 0 when none is behind.</param>
public sealed record StationStatus(
    StationId Id,
    DateTimeOffset? LastFrameAt,
    double RecentFps,
    long Raw,
    long Processed,
    long Rejected,
    string? LatestRawKey,
    string? LatestProcessedKey,
    string Health,
    string? HealthReason,
    long LagFrames,
    double LagSeconds);

/// <summary>
/// The latest frames and counts of every station, kept from the live NATS subjects so that no request scans the lake.
/// At start-up it seeds itself from the FRAMES stream: per-subject counts and the last message of each station's
/// raw and processed subjects.
/// </summary>
public sealed class StationDirectory : BackgroundService
{
    private static readonly TimeSpan FpsWindow = TimeSpan.FromSeconds(10);

    private readonly INatsConnection nats;
    private readonly INatsJSContext js;
    private readonly IOptions<ApiOptions> options;
    private readonly IOptions<StreamOptions> streamOptions;
    private readonly ResiliencePipeline startup;
    private readonly TimeProvider time;
    private readonly ILogger<StationDirectory> logger;
    private readonly ConcurrentDictionary<StationId, Station> _stations;

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
        _stations = new(StationId.Range(options.Value.StationCount).Select(id => KeyValuePair.Create(id, new Station(id))));
        ApiTelemetry.ObserveLag(meterFactory, All);
    }

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the subscriptions are live and the start-up lookup is done.</summary>
    public Task Ready => _ready.Task;

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
        var raw = Listen(Subjects.AllFramesRaw, ContractSerializers.ForReading<FrameCaptured>(), (s, m, _) => s.Observe(m, time), stoppingToken);
        var processed = Listen(Subjects.AllFramesProcessed, ContractSerializers.ForReading<FrameProcessed>(), (s, m, trace) => s.Observe(m, live: true, trace), stoppingToken);
        var rejected = Listen(Subjects.AllFramesRejected, ContractSerializers.ForReading<FrameRejected>(), (s, m, _) => s.Observe(m), stoppingToken);
        var health = Listen(Subjects.AllStationHealth, ContractSerializers.ForReading<StationHealth>(), (s, m, _) => s.Observe(m, time.GetUtcNow()), stoppingToken);

        await SeedFromStreamAsync(stoppingToken);
        _ready.TrySetResult();
        await Task.WhenAll(raw, processed, rejected, health);
    }

    private async Task Listen<T>(string subject, INatsDeserialize<T> serializer, Action<Station, T, ActivityContext> observe, CancellationToken cancellationToken)
    {
        await foreach (var msg in nats.SubscribeAsync(subject, serializer: serializer, cancellationToken: cancellationToken))
        {
            if (msg.Error is not null || msg.Data is null)
            {
                Log.BadFrameEvent(logger, (Exception?)msg.Error ?? new JsonException("empty message"), msg.Subject, typeof(T).Name);
                continue;
            }

            if (Subjects.TryGetStation(msg.Subject, out var id) && _stations.TryGetValue(id, out var station))
            {
                // The publisher's trace context travels in the headers; keeping it lets later work link to the frame.
                observe(station, msg.Data, msg.Headers.GetActivityContext());
            }
        }
    }

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
                    station.Seed(
                        Count(counts, Subjects.FramesRaw(station.Id)),
                        Count(counts, Subjects.FramesProcessed(station.Id)),
                        Count(counts, Subjects.FramesRejected(station.Id)));
                    if (counts.ContainsKey(Subjects.FramesRaw(station.Id)))
                    {
                        station.Observe(await LastAsync<FrameCaptured>(stream, Subjects.FramesRaw(station.Id), ct), time, live: false);
                    }

                    if (counts.ContainsKey(Subjects.FramesProcessed(station.Id)))
                    {
                        station.Observe(await LastAsync<FrameProcessed>(stream, Subjects.FramesProcessed(station.Id), ct), live: false);
                    }

                    if (counts.ContainsKey(Subjects.FramesRejected(station.Id)))
                    {
                        station.Observe(await LastAsync<FrameRejected>(stream, Subjects.FramesRejected(station.Id), ct), live: false);
                    }
                }

                Log.DirectoryLoaded(logger, _stations.Count, Streams.Frames);
            },
            cancellationToken);
    }

    /// <summary>Which stream a start-up step was working on, for its retry log; FRAMES unless set.</summary>
    private static readonly ResiliencePropertyKey<string> StartupStream = new("mobilex.api.stream");

    private void OnStartupRetry(RetryAttempt retry)
    {
        if (!StreamProvisioning.LogIfWaiting(logger, retry.Exception, retry.Attempt, retry.Delay))
        {
            Log.StartupLookupFailed(logger, retry.Exception, retry.Context.Properties.GetValue(StartupStream, Streams.Frames), retry.Delay);
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

    private sealed class Station(StationId id)
    {
        private readonly Lock _gate = new();
        private readonly Queue<DateTimeOffset> _recent = new();
        private long _raw;
        private long _processed;
        private long _rejected;
        private DateTimeOffset? _lastFrameAt;
        private DateTimeOffset? _lastOutcomeCapturedAt;
        private StationHealth? _health;
        private DateTimeOffset _healthReceivedAt;

        public StationId Id { get; } = id;

        public FrameCaptured? LatestRaw { get; private set; }

        public FrameProcessed? LatestProcessed { get; private set; }

        public void Seed(long raw, long processed, long rejected)
        {
            lock (_gate)
            {
                _raw += raw;
                _processed += processed;
                _rejected += rejected;
            }
        }

        public void Observe(FrameCaptured? frame, TimeProvider time, bool live = true)
        {
            if (frame is null)
            {
                return;
            }

            lock (_gate)
            {
                if (live)
                {
                    _raw++;
                    _recent.Enqueue(time.GetUtcNow());
                    Trim(time.GetUtcNow());
                }

                if (LatestRaw is null || frame.CapturedAt >= LatestRaw.CapturedAt)
                {
                    LatestRaw = frame;
                    _lastFrameAt = frame.CapturedAt;
                }
            }
        }

        public ActivityContext LatestProcessedTrace { get; private set; }

        public void Observe(FrameProcessed? frame, bool live = true, ActivityContext trace = default)
        {
            if (frame is null)
            {
                return;
            }

            lock (_gate)
            {
                if (live)
                {
                    _processed++;
                }

                OnOutcome(frame.CapturedAt);
                if (LatestProcessed is null || frame.CapturedAt >= LatestProcessed.CapturedAt)
                {
                    LatestProcessed = frame;
                    LatestProcessedTrace = trace;
                }
            }
        }

        public void Observe(FrameRejected? frame, bool live = true)
        {
            if (frame is null)
            {
                return;
            }

            lock (_gate)
            {
                if (live)
                {
                    _rejected++;
                }

                OnOutcome(frame.CapturedAt);
            }
        }

        public void Observe(StationHealth report, DateTimeOffset receivedAt)
        {
            lock (_gate)
            {
                _health = report;
                _healthReceivedAt = receivedAt;
            }
        }

        public StationStatus Status(TimeProvider time, TimeSpan silentAfter)
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                Trim(now);
                var lagFrames = Math.Max(0, _raw - _processed - _rejected);
                var lagSeconds = lagFrames > 0 && LatestRaw is { } raw
                    ? Math.Max(0, (raw.CapturedAt - (_lastOutcomeCapturedAt ?? raw.CapturedAt)).TotalSeconds)
                    : 0;
                var (health, reason) = _health switch
                {
                    null => (StationHealthStates.Unknown, (string?)null),
                    _ when now - _healthReceivedAt > silentAfter =>
                        (StationHealthStates.Silent, $"Station {Id} has sent no health report for {(now - _healthReceivedAt).TotalSeconds:0} s; its capture or its bus connection is down."),
                    { } report => (report.State, report.Reason),
                };
                return new StationStatus(Id, _lastFrameAt, _recent.Count / FpsWindow.TotalSeconds, _raw, _processed, _rejected,
                    LatestRaw?.Key, LatestProcessed?.Key, health, reason, lagFrames, lagSeconds);
            }
        }

        private void OnOutcome(DateTimeOffset capturedAt)
        {
            if (_lastOutcomeCapturedAt is null || capturedAt > _lastOutcomeCapturedAt)
            {
                _lastOutcomeCapturedAt = capturedAt;
            }
        }

        private void Trim(DateTimeOffset now)
        {
            while (_recent.TryPeek(out var t) && now - t > FpsWindow)
            {
                _recent.Dequeue();
            }
        }
    }
}
