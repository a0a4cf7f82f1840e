using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The object operations MobileX services share, written once so every caller gets the settings that keep
/// S3-compatible servers honest, and one span per operation naming bucket and key.
/// </summary>
public static class S3ObjectExtensions
{
    public const string ActivitySourceName = MobileXTelemetry.ActivitySourcePrefix + "S3";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    /// <summary>Stores <paramref name="content"/> at <paramref name="bucket"/>/<paramref name="key"/> with user metadata.</summary>
    /// <remarks>
    /// Chunked (aws-chunked) uploads are turned off: s3rver would store the chunk framing inside the object, and a
    /// single-part PUT of a frame gains nothing from it. The bytes are streamed from the caller's buffer, not copied.
    /// </remarks>
    public static async Task<PutObjectResponse> PutObjectAsync(
        this IAmazonS3 s3,
        string bucket,
        string key,
        ReadOnlyMemory<byte> content,
        string contentType,
        IEnumerable<KeyValuePair<string, string>>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        using var activity = StartActivity("PutObject", bucket, key);
        var stream = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        await using (stream.ConfigureAwait(false))
        {
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = stream,
                AutoCloseStream = false,
                ContentType = contentType,
                UseChunkEncoding = false,
            };
            if (metadata is not null)
            {
                foreach (var (name, value) in metadata)
                {
                    request.Metadata[name] = value;
                }
            }

            try
            {
                return await s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
                throw;
            }
        }
    }

    /// <summary>Reads a whole object into memory with its user metadata; null when the object does not exist.</summary>
    public static async Task<S3Object?> GetObjectOrNullAsync(this IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken = default)
    {
        using var activity = StartActivity("GetObject", bucket, key);
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            var length = response.ContentLength;
            var buffer = new MemoryStream(length is > 0 and < int.MaxValue ? (int)length : 0);
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            var metadata = response.Metadata.Keys.ToDictionary(
                k => k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? k["x-amz-meta-".Length..] : k,
                k => response.Metadata[k],
                StringComparer.OrdinalIgnoreCase);
            return new S3Object(bucket, key, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), response.Headers.ContentType, metadata);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            activity?.SetTag("mobilex.s3.found", false);
            return null;
        }
        catch (Exception ex)
        {
            activity?.AddException(ex).SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    /// <summary>Creates <paramref name="bucket"/> unless it exists; safe to call from many replicas at once.</summary>
    /// <remarks>
    /// A create that the server refuses as already done is the cheap existence check: a HEAD of the bucket first
    /// would be a second request, and s3rver serves HEAD by listing the bucket, so one damaged object in it would
    /// make the check fail for ever.
    /// </remarks>
    public static async Task EnsureBucketAsync(this IAmazonS3 s3, string bucket, CancellationToken cancellationToken = default)
    {
        using var activity = StartActivity("EnsureBucket", bucket, key: null);
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Exists already: made by an earlier run or by another replica.
        }
    }

    private static Activity? StartActivity(string operation, string bucket, string? key)
    {
        var activity = Source.StartActivity($"S3 {operation}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", "aws-api");
            activity.SetTag("rpc.service", "S3");
            activity.SetTag("rpc.method", operation);
            activity.SetTag("aws.s3.bucket", bucket);
            if (key is not null)
            {
                activity.SetTag("aws.s3.key", key);
            }
        }

        return activity;
    }
}

/// <summary>An object read whole from the store.</summary>
public sealed record S3Object(string Bucket, string Key, ReadOnlyMemory<byte> Content, string? ContentType, IReadOnlyDictionary<string, string> Metadata);
