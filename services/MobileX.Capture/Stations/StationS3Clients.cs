using System.Collections.Concurrent;
using Amazon.S3;
using Microsoft.Extensions.Options;
using MobileX.Capture.Telemetry;
using MobileX.Contracts;

namespace MobileX.Capture.Stations;

/// <summary>
/// A station's own S3 identity, bound from <c>StationS3Credentials:&lt;NN&gt;</c> (environment
/// <c>StationS3Credentials__03__AccessKey</c> / <c>__SecretKey</c>). On MinIO the AppHost makes one user per station whose
/// policy lets it write only <c>station-NN</c>; s3rver accepts only its root key, so there are none in Local mode.
/// </summary>
public sealed class StationS3Credential
{
    public const string SectionName = "StationS3Credentials";

    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
}

/// <summary>
/// The S3 client each station writes through: one with its own key when it has credentials (so the server enforces
/// its bucket), else the shared client from <c>ConnectionStrings:minio</c>. Same endpoint and settings either way.
/// </summary>
internal sealed class StationS3Clients(
    IAmazonS3 shared,
    IConfiguration configuration,
    IOptions<Dictionary<string, StationS3Credential>> credentials,
    ILogger<StationS3Clients> logger) : IDisposable
{
    private readonly ConcurrentDictionary<StationId, AmazonS3Client> _own = new();

    public IAmazonS3 For(StationId station)
    {
        if (!credentials.Value.TryGetValue(station.ToString(), out var credential))
        {
            return shared;
        }

        return _own.GetOrAdd(station, s =>
        {
            var settings = new S3ClientSettings();
            configuration.GetSection("Aspire:Minio:Client").Bind(settings);
            // AddS3Client has parsed and checked this string at start-up; only the keys differ.
            settings.ParseConnectionString(configuration.GetConnectionString("minio") ?? string.Empty);
            settings.AccessKey = credential.AccessKey;
            settings.SecretKey = credential.SecretKey;
            CaptureLog.StationS3Identity(logger, s, credential.AccessKey!);
            return S3ClientExtensions.CreateClient(settings);
        });
    }

    public void Dispose()
    {
        foreach (var client in _own.Values)
        {
            client.Dispose();
        }
    }
}

/// <summary>Every <c>StationS3Credentials:&lt;NN&gt;</c> entry must be keyed by a station id and carry both keys.</summary>
internal sealed class StationS3CredentialsValidator : IValidateOptions<Dictionary<string, StationS3Credential>>
{
    public ValidateOptionsResult Validate(string? name, Dictionary<string, StationS3Credential> options)
    {
        var failures = new List<string>();
        foreach (var (station, credential) in options)
        {
            if (!StationId.TryParse(station, out _))
            {
                failures.Add($"{StationS3Credential.SectionName}:{station} is not keyed by a station id (two digits from 01 to 99).");
            }

            if (string.IsNullOrWhiteSpace(credential.AccessKey) || string.IsNullOrEmpty(credential.SecretKey))
            {
                failures.Add($"{StationS3Credential.SectionName}:{station} needs both AccessKey and SecretKey.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
