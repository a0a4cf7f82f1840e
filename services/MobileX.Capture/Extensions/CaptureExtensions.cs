using MobileX.Capture;
using MobileX.Capture.Telemetry;
using Microsoft.Extensions.Options;
using MobileX.Capture.Retention;
using MobileX.Capture.Stations;
using MobileX.Resilience;

namespace Microsoft.Extensions.Hosting;

public static class CaptureExtensions
{
    /// <summary>Command-line switches: <c>--station 03</c> runs a single station, as on an edge MobileX Station.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--station"] = $"{CaptureOptions.SectionName}:{nameof(CaptureOptions.Station)}",
    };

    /// <summary>
    /// Store and publish retries, unless <c>Capture:AttemptTimeout</c>, <c>RetryDelay</c>, <c>MaxRetryDelay</c> or
    /// <c>RetryJitter</c> say otherwise: 5 s per attempt, then 100 ms doubling up to 5 s, jittered so ten stations that
    /// lost the same server do not retry in lockstep.
    /// </summary>
    public static void RetryDefaults(RetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        options.RetryDelay = TimeSpan.FromMilliseconds(100);
        options.MaxRetryDelay = TimeSpan.FromSeconds(5);
        options.RetryJitter = true;
    }

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
        builder.AddStationS3Clients();
        builder.AddRetentionSweep();
        builder.Services.AddRetryOptions(CaptureOptions.SectionName, RetryDefaults);

        builder.Services.AddMetrics();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CaptureMetrics>();
        builder.Services.AddSingleton<CaptureStatus>();
        builder.Services.AddSingleton<StationConnections>();
        // No stream is created here: FRAMES belongs to the preprocessor. Until it exists every publish fails and is
        // retried like any other, so a station may start first, or at the edge with a connection that may only publish.
        builder.Services.AddHostedService<CaptureService>();
        builder.Services.AddHostedService<StationHealthReporter>();
        builder.Services.AddHealthChecks().AddCheck<CaptureHealthCheck>("capture");
        return builder;
    }

    /// <summary>Each station's own S3 key (<c>StationS3Credentials:NN</c>), validated at start, and the clients built from it.</summary>
    private static void AddStationS3Clients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<Dictionary<string, StationS3Credential>>()
            .BindConfiguration(StationS3Credential.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<Dictionary<string, StationS3Credential>>, StationS3CredentialsValidator>();
        builder.Services.AddSingleton<StationS3Clients>();
    }

    /// <summary>The local retention sweep (<c>Retention:*</c>), validated at start; it runs only when <c>Retention:Sweep</c> is true.</summary>
    private static void AddRetentionSweep(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        if (builder.Configuration.GetValue<bool>($"{RetentionOptions.SectionName}:{nameof(RetentionOptions.Sweep)}"))
        {
            builder.Services.AddHostedService<RetentionSweeper>();
        }
    }
}
