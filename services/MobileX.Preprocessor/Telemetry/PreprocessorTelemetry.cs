using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace MobileX.Preprocessor.Telemetry;

/// <summary>The worker's ActivitySource and Meter, both <c>MobileX.Preprocessor</c>, exported by ServiceDefaults.</summary>
public sealed class PreprocessorTelemetry : IDisposable
{
    public const string Name = "MobileX.Preprocessor";

    public static class Stages
    {
        public const string Fetch = "fetch";
        public const string Decode = "decode";
        public const string Detect = "detect";
        public const string CropEncode = "crop-encode";
        public const string Store = "store";
        public const string Publish = "publish";
    }

    public static readonly string WorkerVersion =
        typeof(PreprocessorTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(PreprocessorTelemetry).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private readonly Meter _meter;
    private readonly Counter<long> _processed;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _faces;
    private readonly Histogram<double> _stageDuration;
    private readonly Histogram<double> _latency;
    private long _lag;

    public PreprocessorTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name, WorkerVersion);
        _processed = _meter.CreateCounter<long>("mobilex.preprocessor.frames.processed", "{frame}", "Frames cropped, stored and announced.");
        _rejected = _meter.CreateCounter<long>("mobilex.preprocessor.frames.rejected", "{frame}", "Frames refused, by reason.");
        _deadLettered = _meter.CreateCounter<long>("mobilex.preprocessor.frames.dead_lettered", "{frame}", "Messages given up on after their maximum deliveries.");
        _retried = _meter.CreateCounter<long>("mobilex.preprocessor.frames.retried", "{frame}", "Deliveries nak'ed after a transient fault.");
        // How faces were found shows whether the face memory is working: a rising share of whole-frame searches
        // means stations whose faces keep being lost, and the detect stage's cost with them.
        _faces = _meter.CreateCounter<long>("mobilex.preprocessor.faces.found", "{face}", "Faces found, by the search that found them (tag search).");
        _stageDuration = _meter.CreateHistogram<double>("mobilex.preprocessor.stage.duration", "ms", "Time per frame in each stage.");
        _latency = _meter.CreateHistogram<double>("mobilex.preprocessor.capture_to_processed", "ms", "Time from capture to the processed or rejected event.");
        _meter.CreateObservableGauge("mobilex.preprocessor.consumer.lag", () => Interlocked.Read(ref _lag), "{message}", "Raw frames not yet delivered to the shared consumer.");
    }

    public ActivitySource Source { get; } = new(Name, WorkerVersion);

    public void Processed() => _processed.Add(1);

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void DeadLettered() => _deadLettered.Add(1);

    public void FaceFound(string search) => _faces.Add(1, new KeyValuePair<string, object?>("search", search));

    public void Retried() => _retried.Add(1);

    public void Stage(string stage, TimeSpan elapsed) =>
        _stageDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("stage", stage));

    public void Latency(TimeSpan elapsed) => _latency.Record(elapsed.TotalMilliseconds);

    public void Lag(ulong pending) => Interlocked.Exchange(ref _lag, (long)Math.Min(pending, long.MaxValue));

    public void Dispose()
    {
        Source.Dispose();
        _meter.Dispose();
    }
}
