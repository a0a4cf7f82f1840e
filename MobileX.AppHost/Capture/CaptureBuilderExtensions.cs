using MobileX.AppHost.Infrastructure;
using MobileX.AppHost.Nats;
using MobileX.Contracts;

namespace MobileX.AppHost.Capture;

public static class CaptureBuilderExtensions
{
    public const string CountSetting = "MobileX:Stations:Count";
    public const string StationUsersSetting = "MobileX:Stations:Users";
    private const string Section = "MobileX:Stations";

    /// <summary>The stations the AppHost runs: 01..<c>MobileX:Stations:Count</c> (default 10).</summary>
    /// <exception cref="DistributedApplicationException">The count is outside 1..99.</exception>
    public static IReadOnlyList<StationId> Stations(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var count = builder.Configuration.GetValue(CountSetting, 10);
        return count is >= StationId.Min and <= StationId.Max
            ? [.. StationId.Range(count)]
            : throw new DistributedApplicationException($"{CountSetting} is {count}; it must be {StationId.Min} to {StationId.Max}.");
    }

    /// <summary>
    /// Passes the station settings (<c>MobileX:Stations:*</c>: FramesPerSecond, Width, Height, JpegQuality, Source) and,
    /// when station users are on, each station's NATS identity as <c>StationCredentials__NN__User/Password</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStations(this IResourceBuilder<ProjectResource> capture, IReadOnlyList<StationId> stations, IReadOnlyList<StationNatsUser> users)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var configuration = capture.ApplicationBuilder.Configuration;
        capture.WithEnvironment("Capture__Count", stations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Capture__SamplesFolder", Path.Combine(capture.ApplicationBuilder.GetInfrastructure().RepositoryRoot, ".data", "samples"));
        foreach (var setting in new[] { "FramesPerSecond", "Width", "Height", "JpegQuality", "Source" })
        {
            if (configuration[$"{Section}:{setting}"] is { Length: > 0 } value)
            {
                capture.WithEnvironment($"Capture__{setting}", value);
            }
        }

        foreach (var user in users)
        {
            capture.WithEnvironment($"StationCredentials__{user.Station}__User", user.User)
                .WithEnvironment($"StationCredentials__{user.Station}__Password", user.Password);
        }

        return capture;
    }
}
