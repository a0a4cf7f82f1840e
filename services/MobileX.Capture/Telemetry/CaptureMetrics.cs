using System.Diagnostics;
using System.Diagnostics.Metrics;
using MobileX.Contracts;

namespace MobileX.Capture.Telemetry;

/// <summary>The <c>MobileX.Capture</c> meter and activity source: per-station frame counts and store/publish latencies.</summary>
public sealed class CaptureMetrics
{
    public const string Name = "MobileX.Capture";
    public const string StationTag = "station";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _captured;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _storeDuration;
    private readonly Histogram<double> _publishDuration;
    private readonly Histogram<double> _captureToAck;

    public CaptureMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Name);
        _captured = meter.CreateCounter<long>("mobilex.capture.frames.captured", "{frame}", "Frames taken from the source.");
        _stored = meter.CreateCounter<long>("mobilex.capture.frames.stored", "{frame}", "Frames stored in the station's bucket.");
        _published = meter.CreateCounter<long>("mobilex.capture.frames.published", "{frame}", "FrameCaptured events acknowledged by JetStream.");
        _dropped = meter.CreateCounter<long>("mobilex.capture.frames.dropped", "{frame}", "Frames dropped, oldest first, from a full queue while NATS or S3 was down; never stored.");
        _skipped = meter.CreateCounter<long>("mobilex.capture.images.skipped", "{image}", "Source images that could not be decoded.");
        _retries = meter.CreateCounter<long>("mobilex.capture.retries", "{attempt}", "Store or publish attempts that failed and were retried.");
        _storeDuration = meter.CreateHistogram<double>("mobilex.capture.store.duration", "ms", "Time to store one frame, retries included.");
        _publishDuration = meter.CreateHistogram<double>("mobilex.capture.publish.duration", "ms", "Time from publish to JetStream ack, retries included.");
        _captureToAck = meter.CreateHistogram<double>(CaptureToAckName, "ms", "Time from capture to JetStream ack, queueing included.");
    }

    public const string CaptureToAckName = "mobilex.capture.capture_to_ack.duration";

    public void Captured(StationId station) => _captured.Add(1, Tag(station));
    public void Stored(StationId station, TimeSpan duration)
    {
        _stored.Add(1, Tag(station));
        _storeDuration.Record(duration.TotalMilliseconds, Tag(station));
    }

    public void Published(StationId station, TimeSpan publish, TimeSpan sinceCapture)
    {
        _published.Add(1, Tag(station));
        _publishDuration.Record(publish.TotalMilliseconds, Tag(station));
        _captureToAck.Record(sinceCapture.TotalMilliseconds, Tag(station));
    }

    public void Dropped(StationId station) => _dropped.Add(1, Tag(station));
    public void Skipped(StationId station) => _skipped.Add(1, Tag(station));
    public void Retried(StationId station, string operation) => _retries.Add(1, Tag(station), new KeyValuePair<string, object?>("operation", operation));

    private static KeyValuePair<string, object?> Tag(StationId station) => new(StationTag, station.ToString());
}
