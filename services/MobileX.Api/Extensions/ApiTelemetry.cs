using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MobileX.Api.Extensions;

/// <summary>The API's own ActivitySource and Meter (<c>MobileX.Api</c>), exported by ServiceDefaults.</summary>
public static class ApiTelemetry
{
    public const string Name = "MobileX.Api";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> AvatarsCreated = Meter.CreateCounter<long>("mobilex.api.avatars.created", description: "Avatars generated and stored");

    public static readonly Histogram<double> AvatarDuration = Meter.CreateHistogram<double>("mobilex.api.avatar.duration", "ms", "Time from request to stored avatar");
}
