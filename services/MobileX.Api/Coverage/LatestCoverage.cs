using System.Text.Json;
using MobileX.Api.Telemetry;
using MobileX.Contracts;
using MobileX.Messaging;
using NATS.Client.Core;

namespace MobileX.Api.Coverage;

/// <summary>
/// The coverage model's newest <see cref="CoverageTimeline"/>, kept from its core NATS subject
/// <c>mobilex.models.coverage.timeline</c>. The model republishes a whole snapshot every few seconds and no stream keeps
/// them, so a replica has nothing until the next one arrives, and a lost one costs nothing. The connection resubscribes
/// after a reconnect, as the station health subscription does.
/// </summary>
public sealed class LatestCoverage(INatsConnection nats, TimeProvider time, ILogger<LatestCoverage> logger) : BackgroundService
{
    private Received? _latest;

    /// <summary>A snapshot and when this replica received it.</summary>
    public sealed record Received(CoverageTimeline Timeline, DateTimeOffset ReceivedAt);

    /// <summary>The newest snapshot, or null while the model has not reported to this replica.</summary>
    public Received? Latest => Volatile.Read(ref _latest);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var msg in nats.SubscribeAsync(Subjects.CoverageTimeline, serializer: ContractSerializers.ForReading<CoverageTimeline>(), cancellationToken: stoppingToken))
        {
            if (msg.Error is not null || msg.Data is null)
            {
                ApiLog.BadCoverageSnapshot(logger, (Exception?)msg.Error ?? new JsonException("empty message"), msg.Subject);
                continue;
            }

            Observe(msg.Data);
        }
    }

    /// <summary>
    /// Keeps <paramref name="timeline"/> unless a newer one is already kept: with more than one model replica, or a
    /// delayed message, an older snapshot must not replace a newer one.
    /// </summary>
    internal void Observe(CoverageTimeline timeline)
    {
        if (timeline.Version != CoverageTimeline.SchemaVersion)
        {
            ApiLog.BadCoverageSnapshot(logger, new JsonException($"CoverageTimeline version {timeline.Version} is not {CoverageTimeline.SchemaVersion}"), Subjects.CoverageTimeline);
            return;
        }

        var received = new Received(timeline, time.GetUtcNow());
        Received? current;
        do
        {
            current = Volatile.Read(ref _latest);
            if (current is not null && current.Timeline.GeneratedAt > timeline.GeneratedAt)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _latest, received, current) != current);

        if (current is null)
        {
            ApiLog.CoverageFirstSnapshot(logger, timeline.Stations.Count, timeline.Window, timeline.GeneratedAt);
        }
    }
}
