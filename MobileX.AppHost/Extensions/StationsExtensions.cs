using System.Globalization;
using MobileX.Contracts;
using MobileX.Hosting.Nats;

namespace MobileX.AppHost.Extensions;

/// <summary>The capture stations the AppHost runs, and what the capture service needs to know about them.</summary>
public static class StationsExtensions
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
        var builder = capture.ApplicationBuilder;
        capture.WithEnvironment("Capture__Count", stations.Count.ToString(CultureInfo.InvariantCulture));
        if (builder.ExecutionContext.IsRunMode)
        {
            // Run-only: a folder on this disk means nothing in a cluster, so it never reaches a published manifest.
            capture.WithEnvironment("Capture__SamplesFolder", Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".data", "samples")));
        }

        foreach (var setting in new[] { "FramesPerSecond", "Width", "Height", "JpegQuality", "Source" })
        {
            if (builder.Configuration[$"{Section}:{setting}"] is { Length: > 0 } value)
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
