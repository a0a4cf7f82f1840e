using System.Buffers;
using Amazon.S3.Model;
using Microsoft.Net.Http.Headers;
using MobileX.Api.Telemetry;

namespace MobileX.Api.Lake;

/// <summary>
/// Streams a lake object straight from the store's response to the client: nothing is buffered beyond one copy
/// buffer, so a replica serves big objects to many clients with flat memory. Owns and disposes the response.
/// </summary>
internal sealed class LakeObjectResult(LakeAddress address, GetObjectResponse response, ILogger logger) : IResult
{
    private const int CopyBufferBytes = 64 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var _ = response;
        var http = httpContext.Response;
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = address.FixedContentType ?? response.Headers.ContentType ?? "application/octet-stream";
        if (response.ContentLength >= 0)
        {
            http.ContentLength = response.ContentLength;
        }
        LakeCaching.Apply(http.Headers, address, response.ETag);
        if (response.LastModified is { } modified)
        {
            // The SDK's kind of DateTime has changed between versions; an unspecified one is the store's UTC.
            var utc = modified.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(modified, DateTimeKind.Utc) : modified.ToUniversalTime();
            http.Headers.LastModified = HeaderUtilities.FormatDate(utc);
        }

        // The bytes are whatever the store holds: never let a browser guess another type from them.
        http.Headers.XContentTypeOptions = "nosniff";

        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        long sent = 0;
        try
        {
            int read;
            while ((read = await response.ResponseStream.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), httpContext.RequestAborted)) > 0)
            {
                await http.Body.WriteAsync(buffer.AsMemory(0, read), httpContext.RequestAborted);
                sent += read;
            }
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The status line is gone already, so the only honest signal left is a connection cut short of
            // Content-Length: the client sees a truncated body, never a complete-looking wrong one.
            ApiLog.LakeDownloadBroken(logger, ex, address.Bucket, address.Key, sent, response.ContentLength);
            httpContext.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>The validators and caching headers of lake answers, the same on a 200 and on its 304.</summary>
internal static class LakeCaching
{
    /// <summary>
    /// Raw frames and avatars never change under their key: a year, immutable. Processed objects may be rewritten
    /// under the same key, so a client keeps them but asks again (a 304 when unchanged). Private either way: a later
    /// release puts authorization in front of the lake, and a shared cache must not hand out what it was given.
    /// </summary>
    public static void Apply(IHeaderDictionary headers, LakeAddress address, string? etag)
    {
        headers.CacheControl = address.Immutable ? "private, max-age=31536000, immutable" : "private, no-cache";
        if (etag is not null)
        {
            headers.ETag = etag;
        }
    }

    /// <summary>A 304 for a client whose copy is current.</summary>
    public static IResult NotModified(LakeAddress address, string etag) => new NotModifiedResult(address, etag);

    private sealed class NotModifiedResult(LakeAddress address, string etag) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
            Apply(httpContext.Response.Headers, address, etag);
            return Task.CompletedTask;
        }
    }

    /// <summary>The client's <c>If-None-Match</c> entity tags; none when absent or unreadable (then the full object is sent).</summary>
    public static IList<EntityTagHeaderValue> IfNoneMatch(HttpRequest request) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags) ? tags : [];
}
