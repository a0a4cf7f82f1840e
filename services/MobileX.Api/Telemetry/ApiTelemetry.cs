using System.Diagnostics;
using System.Diagnostics.Metrics;
using MobileX.Api.Stations;

namespace MobileX.Api.Telemetry;

/// <summary>The API's own ActivitySource and Meter (<c>MobileX.Api</c>), exported by ServiceDefaults.</summary>
public static class ApiTelemetry
{
    public const string Name = "MobileX.Api";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> AvatarsCreated = Meter.CreateCounter<long>("mobilex.api.avatars.created", description: "Avatars generated and stored");

    public static readonly Histogram<double> AvatarDuration = Meter.CreateHistogram<double>("mobilex.api.avatar.duration", "ms", "Time from request to stored avatar");

    /// <summary>Name of the per-station gauge of raw frames that have no outcome yet.</summary>
    public const string LagFramesName = "mobilex.station.lag.frames";

    /// <summary>Name of the per-station gauge of how far, in capture time, the newest outcome trails the newest frame.</summary>
    public const string LagSecondsName = "mobilex.station.lag.seconds";

    /// <summary>
    /// Per-station preprocessing lag as gauges tagged <c>station</c>, read from the directory when the exporter
    /// collects. The meter comes from the host's factory, so each host (and each test host) has its own.
    /// </summary>
    public static void ObserveLag(IMeterFactory meterFactory, Func<IEnumerable<StationStatus>> stations)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Name);
        meter.CreateObservableGauge(LagFramesName,
            () => stations().Select(s => new Measurement<long>(s.LagFrames, new KeyValuePair<string, object?>("station", s.Id.ToString()))),
            "{frame}", "Raw frames of the station that have no outcome (processed or rejected) yet.");
        meter.CreateObservableGauge(LagSecondsName,
            () => stations().Select(s => new Measurement<double>(s.LagSeconds, new KeyValuePair<string, object?>("station", s.Id.ToString()))),
            "s", "Capture time of the station's newest raw frame minus that of its newest outcome.");
    }
}
