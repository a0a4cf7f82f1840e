using System.Diagnostics;
using System.Diagnostics.Metrics;
using MobileX.Inference.Concurrency;

namespace MobileX.Inference.Telemetry;

/// <summary>The adapter's ActivitySource and Meter, both <c>MobileX.Inference</c>.</summary>
internal sealed class InferenceTelemetry
{
    public const string Name = "MobileX.Inference";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _backendDuration;
    private readonly Counter<long> _requests;

    public InferenceTelemetry(IMeterFactory meterFactory, BackendGate gate)
    {
        var meter = meterFactory.Create(Name);
        _queueWait = meter.CreateHistogram<double>("mobilex.inference.queue.wait", "ms", "Time a job waited for a backend slot.");
        _backendDuration = meter.CreateHistogram<double>("mobilex.inference.backend.duration", "ms", "Time the backend took for one job.");
        _requests = meter.CreateCounter<long>("mobilex.inference.requests", "{request}", "img2img requests by backend and outcome.");
        meter.CreateObservableGauge("mobilex.inference.queue.length", () => gate.Queued, "{job}", "Jobs waiting for a backend slot.");
    }

    public void QueueWait(string backend, TimeSpan wait) =>
        _queueWait.Record(wait.TotalMilliseconds, new KeyValuePair<string, object?>("backend", backend));

    /// <summary>A job the backend ran: its duration and its outcome (also counted by <see cref="Outcome"/>).</summary>
    public void BackendFinished(string backend, string outcome, TimeSpan duration)
    {
        _backendDuration.Record(duration.TotalMilliseconds,
            new KeyValuePair<string, object?>("backend", backend),
            new KeyValuePair<string, object?>("outcome", outcome));
        Outcome(backend, outcome);
    }

    public void Outcome(string backend, string outcome) =>
        _requests.Add(1,
            new KeyValuePair<string, object?>("backend", backend),
            new KeyValuePair<string, object?>("outcome", outcome));
}

/// <summary>The outcome tag values, one per answer the adapter can give.</summary>
internal static class Outcomes
{
    public const string Ok = "ok";
    public const string BadRequest = "bad_request";
    public const string TooLarge = "too_large";
    public const string QueueFull = "queue_full";
    public const string Timeout = "timeout";
    public const string BackendError = "backend_error";
    public const string Cancelled = "cancelled";
}
