using Microsoft.Extensions.Options;
using MobileX.Capture.Stations;
using MobileX.Messaging;

namespace Microsoft.Extensions.Hosting;

public static class CaptureExtensions
{
    /// <summary>Command-line switches: <c>--station 03</c> runs a single station, as on an edge MobileX Station.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--station"] = $"{CaptureOptions.SectionName}:{nameof(CaptureOptions.Station)}",
    };

    /// <summary>Adds the capture stations: NATS and S3 clients, validated settings, per-station identities, metrics and the station loops.</summary>
    public static TBuilder AddCapture<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddNatsClient("nats");
        builder.AddNatsJetStream();
        builder.AddS3Client("minio");

        builder.Services.AddOptions<CaptureOptions>()
            .BindConfiguration(CaptureOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CaptureOptions>, CaptureOptionsValidator>();
        builder.Services.AddOptions<Dictionary<string, StationCredential>>()
            .BindConfiguration(StationCredential.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<Dictionary<string, StationCredential>>, StationCredentialsValidator>();
        builder.Services.AddOptions<StreamOptions>()
            .BindConfiguration(StreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddMetrics();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CaptureMetrics>();
        builder.Services.AddSingleton<CaptureStatus>();
        builder.Services.AddSingleton<StationConnections>();
        if (builder.Configuration.GetValue($"{CaptureOptions.SectionName}:{nameof(CaptureOptions.ProvisionStreams)}", true))
        {
            builder.Services.AddHostedService<StreamProvisioner>();
        }

        builder.Services.AddHostedService<CaptureService>();
        builder.Services.AddHostedService<StationHealthReporter>();
        builder.Services.AddHealthChecks().AddCheck<CaptureHealthCheck>("capture");
        return builder;
    }
}
