using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.S3;
using Microsoft.Extensions.Hosting;
using MobileX.Contracts;

namespace MobileX.Feeds.Lake;

/// <summary>
/// Resolves claim checks: reads the bytes an event or a listing names and proves they are the bytes that were
/// announced. An image is checked against the sha256 its event carried, or else the <c>sha256</c> metadata its writer
/// set; a mismatch or a missing checksum is an error, never silently served.
/// </summary>
public sealed class LakeReader(IAmazonS3 s3)
{
    /// <summary>Reads an image and checks its sha256.</summary>
    /// <exception cref="FrameIntegrityException">The object is missing, carries no checksum, or its bytes differ from it.</exception>
    public async Task<FrameImage> ReadImageAsync(string bucket, string key, string? expectedSha256, CancellationToken cancellationToken = default)
    {
        var source = await s3.GetObjectOrNullAsync(bucket, key, cancellationToken).ConfigureAwait(false)
            ?? throw new FrameIntegrityException(bucket, key, $"{bucket}/{key} does not exist.");
        var expected = expectedSha256;
        if (string.IsNullOrEmpty(expected))
        {
            source.Metadata.TryGetValue(FrameMetadata.Sha256, out expected);
        }

        if (string.IsNullOrEmpty(expected))
        {
            throw new FrameIntegrityException(bucket, key, $"{bucket}/{key} has no sha256: neither its event nor its metadata names one.");
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(source.Content.Span));
        return string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)
            ? new FrameImage(bucket, key, source.Content, source.ContentType ?? "image/jpeg", actual)
            : throw new FrameIntegrityException(bucket, key, $"sha256 of {bucket}/{key} is {actual}; it was announced as {expected}.");
    }

    /// <summary>Reads a JSON document of the contracts (a lineage sidecar or a rejection label).</summary>
    /// <exception cref="FrameIntegrityException">The object is missing or is not that document.</exception>
    public async Task<T> ReadJsonAsync<T>(string bucket, string key, JsonTypeInfo<T> type, CancellationToken cancellationToken = default)
    {
        var source = await s3.GetObjectOrNullAsync(bucket, key, cancellationToken).ConfigureAwait(false)
            ?? throw new FrameIntegrityException(bucket, key, $"{bucket}/{key} does not exist.");
        try
        {
            return JsonSerializer.Deserialize(source.Content.Span, type)
                ?? throw new FrameIntegrityException(bucket, key, $"{bucket}/{key} is JSON null, not a {typeof(T).Name}.");
        }
        catch (JsonException ex)
        {
            throw new FrameIntegrityException(bucket, key, $"{bucket}/{key} is not a {typeof(T).Name}: {ex.Message}");
        }
    }

    /// <summary>The lineage of a processed frame.</summary>
    public Task<ProcessedLineage> ReadLineageAsync(string key, CancellationToken cancellationToken = default) =>
        ReadJsonAsync(Buckets.Processed, key, ContractsJsonContext.Default.ProcessedLineage, cancellationToken);

    /// <summary>The label of a rejected frame.</summary>
    public Task<RejectionLabel> ReadLabelAsync(string key, CancellationToken cancellationToken = default) =>
        ReadJsonAsync(Buckets.Processed, key, ContractsJsonContext.Default.RejectionLabel, cancellationToken);
}

/// <summary>An image read from the lake, its sha256 checked.</summary>
public sealed record FrameImage(string Bucket, string Key, ReadOnlyMemory<byte> Bytes, string ContentType, string Sha256);

/// <summary>The lake does not hold what was announced: the object is missing, unchecked or different.</summary>
public sealed class FrameIntegrityException(string bucket, string key, string message) : Exception(message)
{
    public string Bucket { get; } = bucket;

    public string Key { get; } = key;
}
