using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MobileX.Api.Tests;

/// <summary>
/// Checks the signature of a presigned SigV4 GET (query-string auth, signed header <c>host</c>, unsigned payload)
/// for a given Host header. s3rver checks no signatures, so without this a URL signed for the wrong host would pass.
/// </summary>
internal static class SigV4
{
    public static bool IsValidFor(Uri url, string host, string secretKey)
    {
        var query = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "", StringComparer.Ordinal);
        if (query["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256" || query["X-Amz-SignedHeaders"] != "host")
        {
            return false;
        }

        var canonicalQuery = string.Join('&', query
            .Where(p => p.Key != "X-Amz-Signature")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var canonicalRequest = string.Join('\n', "GET", url.AbsolutePath, canonicalQuery, $"host:{host}", "", "host", "UNSIGNED-PAYLOAD");

        var amzDate = query["X-Amz-Date"];
        var scope = query["X-Amz-Credential"][(query["X-Amz-Credential"].IndexOf('/', StringComparison.Ordinal) + 1)..];
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var parts = scope.Split('/');
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in parts)
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return string.Equals(signature, query["X-Amz-Signature"], StringComparison.Ordinal);
    }

    /// <summary>The Host header a client sends for <paramref name="url"/>: the port only when it is not the scheme's default.</summary>
    public static string HostOf(Uri url) => url.IsDefaultPort ? url.Host : string.Create(CultureInfo.InvariantCulture, $"{url.Host}:{url.Port}");

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
