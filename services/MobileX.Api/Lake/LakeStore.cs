using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using MobileX.Api.Telemetry;

namespace MobileX.Api.Lake;

/// <summary>The outcome of opening a lake object for download.</summary>
public abstract record LakeOpenResult
{
    private LakeOpenResult()
    {
    }

    /// <summary>No such object (or no such bucket).</summary>
    public sealed record Missing : LakeOpenResult;

    /// <summary>The client's copy is current; <paramref name="ETag"/> is the object's.</summary>
    public sealed record NotModified(string ETag) : LakeOpenResult;

    /// <summary>The object is larger than <see cref="LakeOptions.MaxObjectBytes"/>; nothing was read.</summary>
    public sealed record TooLarge(long Bytes, long MaxBytes) : LakeOpenResult;

    /// <summary>The store's response, body not yet read; whoever takes it disposes it.</summary>
    public sealed record Found(GetObjectResponse Response) : LakeOpenResult;
}

/// <summary>A presigned GET: the URL and when it stops working.</summary>
public sealed record PresignedUrl(string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// Reads lake objects for the download and presign endpoints: a conditional GET whose body the caller streams, and
/// presigned GETs signed for the endpoint a user reaches (<see cref="LakeOptions.PublicEndpoint"/>).
/// </summary>
public sealed class LakeStore : IDisposable
{
    private readonly IAmazonS3 s3;
    private readonly IAmazonS3 signer;
    private readonly AmazonS3Client? publicClient;
    private readonly IOptions<LakeOptions> options;
    private readonly ILogger<LakeStore> logger;

    public LakeStore(IAmazonS3 s3, LakeSigningSettings signing, IOptions<LakeOptions> options, ILogger<LakeStore> logger)
    {
        (this.s3, this.options, this.logger) = (s3, options, logger);
        SigningEndpoint = options.Value.PublicEndpoint ?? signing.Settings.Endpoint!;
        if (options.Value.PublicEndpoint is { } endpoint)
        {
            // SigV4 signs the Host header, so a URL signed for the in-cluster host and then given another host fails at
            // the store. Signing is local: this client never connects anywhere, it only computes signatures for the host
            // the user will send.
            publicClient = S3ClientExtensions.CreateClient(new S3ClientSettings
            {
                Endpoint = endpoint,
                AccessKey = signing.Settings.AccessKey,
                SecretKey = signing.Settings.SecretKey,
                Region = signing.Settings.Region,
            });
        }

        signer = publicClient ?? s3;
        ApiLog.LakeSigningEndpoint(logger, SigningEndpoint);
    }

    /// <summary>The endpoint presigned URLs name: the public endpoint when set, else the store's own.</summary>
    public Uri SigningEndpoint { get; }

    /// <summary>
    /// Opens <paramref name="address"/> for streaming unless the client's <paramref name="ifNoneMatch"/> already names
    /// its ETag. A single strong tag is passed on to the store, so a current copy costs no body at all; any list is
    /// also compared here, since S3 compares only one tag and some S3-compatible servers none.
    /// </summary>
    public async Task<LakeOpenResult> OpenAsync(LakeAddress address, IList<EntityTagHeaderValue> ifNoneMatch, CancellationToken cancellationToken)
    {
        using var activity = ApiTelemetry.Source.StartActivity("lake download");
        activity?.SetTag("aws.s3.bucket", address.Bucket);
        activity?.SetTag("aws.s3.key", address.Key);
        var request = new GetObjectRequest { BucketName = address.Bucket, Key = address.Key };
        if (ifNoneMatch is [{ IsWeak: false } only] && !only.Equals(EntityTagHeaderValue.Any))
        {
            request.EtagToNotMatch = only.Tag.ToString();
        }

        GetObjectResponse response;
        try
        {
            response = await s3.GetObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotModified)
        {
            return new LakeOpenResult.NotModified(request.EtagToNotMatch!);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // NoSuchKey or NoSuchBucket: a bucket exists only once something was stored in it, so both mean absent.
            return new LakeOpenResult.Missing();
        }

        var etag = response.ETag;
        if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var current)
            && ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false)))
        {
            response.Dispose();
            return new LakeOpenResult.NotModified(etag);
        }

        var (bytes, max) = (response.ContentLength, options.Value.MaxObjectBytes);
        if (bytes > max)
        {
            // Disposing the response drops the store's connection before its body is read.
            response.Dispose();
            ApiLog.LakeObjectTooLarge(logger, address.Bucket, address.Key, bytes, max);
            return new LakeOpenResult.TooLarge(bytes, max);
        }

        return new LakeOpenResult.Found(response);
    }

    /// <summary>Whether the object exists (a HEAD, no body).</summary>
    public async Task<bool> ExistsAsync(LakeAddress address, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(address.Bucket, address.Key, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>A presigned GET of <paramref name="address"/> valid for <paramref name="validFor"/>, signed for <see cref="SigningEndpoint"/>.</summary>
    public async Task<PresignedUrl> PresignAsync(LakeAddress address, TimeSpan validFor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The SDK's clock, not the TimeProvider: the SDK turns this instant into X-Amz-Expires against its own clock.
        var requested = DateTime.UtcNow + validFor;
        var url = await signer.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = address.Bucket,
            Key = address.Key,
            Verb = HttpVerb.GET,
            Expires = requested,
            // The SDK writes https:// unless told otherwise, whatever the endpoint's scheme.
            Protocol = SigningEndpoint.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
        });

        var expiresAt = SignedExpiry(url) ?? new DateTimeOffset(requested, TimeSpan.Zero);
        ApiLog.LakePresigned(logger, address.Bucket, address.Key, SigningEndpoint, expiresAt);
        return new PresignedUrl(url, expiresAt);
    }

    /// <summary>
    /// The expiry the URL itself carries (<c>X-Amz-Date</c> + <c>X-Amz-Expires</c>), which is what the store enforces;
    /// the SDK derives it from its own clock, a moment after the requested time was computed.
    /// </summary>
    private static DateTimeOffset? SignedExpiry(string url)
    {
        var query = QueryHelpers.ParseQuery(new Uri(url).Query);
        return query.TryGetValue("X-Amz-Date", out var date)
               && query.TryGetValue("X-Amz-Expires", out var expires)
               && DateTimeOffset.TryParseExact(date.ToString(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                   DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt)
               && int.TryParse(expires.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? signedAt.AddSeconds(seconds)
            : null;
    }

    public void Dispose() => publicClient?.Dispose();
}

/// <summary>
/// The credentials and region of the store's client, kept so presigned URLs can be signed with the same identity for
/// another endpoint.
/// </summary>
public sealed record LakeSigningSettings(S3ClientSettings Settings);
