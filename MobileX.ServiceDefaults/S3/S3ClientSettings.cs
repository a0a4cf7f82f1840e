using System.Data.Common;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Settings of the S3 client integration, bound from <c>Aspire:Minio:Client</c> and the MinIO connection string
/// <c>Endpoint=http://host:port;AccessKey=…;SecretKey=…</c> (the CommunityToolkit.Aspire.Hosting.Minio format).
/// </summary>
public sealed class S3ClientSettings
{
    public Uri? Endpoint { get; set; }
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }

    /// <summary>Signing region; S3-compatible servers accept any, AWS needs the bucket's.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Retries the SDK makes, with exponential backoff, before a call fails.</summary>
    public int MaxErrorRetry { get; set; } = 4;

    /// <summary>Per-request timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool DisableHealthChecks { get; set; }
    public bool DisableTracing { get; set; }

    /// <summary>Reads a MinIO-format connection string; unknown keys are ignored, missing ones stay null.</summary>
    /// <exception cref="FormatException">The string is not a key=value list or the endpoint is not an http(s) URL.</exception>
    public void ParseConnectionString(string connectionString)
    {
        var parts = new DbConnectionStringBuilder();
        try
        {
            parts.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("it is not a list of Key=Value pairs separated by ';'", ex);
        }

        if (parts.TryGetValue("Endpoint", out var endpoint))
        {
            if (!Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new FormatException($"Endpoint '{endpoint}' is not an http:// or https:// URL");
            }

            Endpoint = uri;
        }

        if (parts.TryGetValue("AccessKey", out var accessKey))
        {
            AccessKey = accessKey?.ToString();
        }

        if (parts.TryGetValue("SecretKey", out var secretKey))
        {
            SecretKey = secretKey?.ToString();
        }
    }
}
