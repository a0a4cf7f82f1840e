using System.Diagnostics.Metrics;

namespace MobileX.Gateway.Telemetry;

/// <summary>The gateway's own Meter (<c>MobileX.Gateway</c>), exported by ServiceDefaults.</summary>
internal static class GatewayTelemetry
{
    public const string Name = "MobileX.Gateway";

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("mobilex.gateway.retries", description: "Requests retried on another replica");

    public static readonly Counter<long> Throttled = Meter.CreateCounter<long>("mobilex.gateway.throttled", description: "Requests refused by a rate limit");
}
