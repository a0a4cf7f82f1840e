using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using MobileX.Resilience;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers an AWSSDK.S3 client for the MinIO resource. Code speaks plain S3, so MinIO, Ceph RGW, SeaweedFS,
/// Garage, AWS or the s3rver used in Local mode all serve it.
/// </summary>
public static class S3ClientExtensions
{
    private const string DefaultConfigSectionName = "Aspire:Minio:Client";

    /// <summary>The health check name.</summary>
    public const string HealthCheckName = "S3";

    /// <summary>
    /// Registers a singleton <see cref="IAmazonS3"/> configured from <c>ConnectionStrings:{connectionName}</c>:
    /// path-style addressing, SDK retries with backoff, a health check and tracing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection string is missing or malformed.</exception>
    public static void AddS3Client(this IHostApplicationBuilder builder, string connectionName, Action<S3ClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new S3ClientSettings();
        builder.Configuration.GetSection(DefaultConfigSectionName).Bind(settings);
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (connectionString is not null)
        {
            try
            {
                settings.ParseConnectionString(connectionString);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException(
                    $"S3 connection string 'ConnectionStrings:{connectionName}' is malformed: {ex.Message}. " +
                    "Expected Endpoint=http://host:port;AccessKey=…;SecretKey=….", ex);
            }
        }

        configureSettings?.Invoke(settings);

        if (settings.Endpoint is null || string.IsNullOrEmpty(settings.AccessKey) || settings.SecretKey is null)
        {
            throw new InvalidOperationException(
                $"S3 connection string not found or incomplete: set 'ConnectionStrings:{connectionName}' (environment " +
                $"variable ConnectionStrings__{connectionName}) to Endpoint=http://host:port;AccessKey=…;SecretKey=….");
        }

        builder.Services.TryAddSingleton<IAmazonS3>(_ => CreateClient(settings));
        var endpoint = settings.Endpoint;
        builder.Services.AddRetryOptions(S3StartupProbe.RetryOptionsSection, S3StartupProbe.Defaults);
        builder.Services.AddHostedService(sp => new S3StartupProbe(sp.GetRequiredService<IAmazonS3>(), connectionName, endpoint,
            sp.GetRetryOptions(S3StartupProbe.RetryOptionsSection), sp.GetRequiredService<ILogger<S3StartupProbe>>()));

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                HealthCheckName,
                sp => new S3HealthCheck(sp.GetRequiredService<IAmazonS3>(), connectionName, settings.Endpoint),
                failureStatus: default,
                tags: default,
                timeout: TimeSpan.FromSeconds(5)));
        }

        if (!settings.DisableTracing)
        {
            // The SDK's calls already show as HTTP client spans; MobileX.S3 adds one span per object operation
            // that names the bucket and key (see S3ObjectExtensions).
            builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource(S3ObjectExtensions.ActivitySourceName));
        }
    }

    /// <summary>Builds a client for an S3-compatible endpoint: path-style, explicit region, standard retry mode.</summary>
    public static AmazonS3Client CreateClient(S3ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(settings.Endpoint);

        var config = new AmazonS3Config
        {
            ServiceURL = settings.Endpoint.ToString(),
            // Self-hosted stores have no virtual-host DNS names for buckets.
            ForcePathStyle = true,
            AuthenticationRegion = settings.Region,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = settings.MaxErrorRetry,
            Timeout = settings.Timeout,
        };
        return new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config);
    }
}
