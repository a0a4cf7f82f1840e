using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace MobileX.Api.Auth;

/// <summary>
/// The configured keys, kept only as SHA-256 hashes. A presented key is hashed and compared with every configured hash
/// in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>), so neither its content nor which key it
/// resembles shows in the answer's timing; equal-length hashes also hide the keys' lengths.
/// </summary>
public sealed class ApiKeys
{
    private readonly (byte[] Hash, string Right)[] _keys;
    private readonly HashSet<string> _credentials;

    public ApiKeys(IOptions<AuthOptions> options)
    {
        var o = options.Value;
        List<(byte[], string)> keys = [(Hash(o.ApiKey!), Rights.Write)];
        if (o.ReadApiKey is { Length: > 0 } read)
        {
            keys.Add((Hash(read), Rights.Read));
        }

        _keys = [.. keys];
        _credentials = [.. _keys.Select(k => Credential(k.Hash, k.Right))];
    }

    /// <summary>
    /// Whether <paramref name="credential"/> (<c>key:&lt;fingerprint&gt;</c>, as a session cookie carries it) names a
    /// configured key of <paramref name="right"/>: a session made with a key that has since been replaced ends.
    /// </summary>
    public bool IsCurrent(string credential, string right) => _credentials.Contains(right + "/" + credential);

    private static string Credential(byte[] hash, string right) => right + "/key:" + Convert.ToHexStringLower(hash)[..8];

    /// <summary>The right <paramref name="presented"/> grants, or null for no configured key.</summary>
    public string? RightOf(string presented)
    {
        var hash = Hash(presented);
        string? right = null;
        // Every key is compared, whatever matched first, so the time taken says nothing about which one did.
        foreach (var (keyHash, keyRight) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash))
            {
                right = keyRight;
            }
        }

        return right;
    }

    /// <summary>
    /// The first 8 hex digits of the key's SHA-256: enough to tell keys apart in logs, far too little to find a key from
    /// (and a key has about 130 bits, so a full hash would not reveal it either).
    /// </summary>
    public static string Fingerprint(string presented) => Convert.ToHexStringLower(Hash(presented))[..8];

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
