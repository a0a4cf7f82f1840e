namespace MobileX.Cli.Output;

internal static class Secrets
{
    /// <summary>A NATS URL without its password, for messages: <c>nats://user:***@host:port</c>.</summary>
    public static string RedactUrl(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return url;
        }

        var userInfo = url[(scheme + 3)..at];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? url : url[..(scheme + 3)] + userInfo[..colon] + ":***" + url[at..];
    }

    /// <summary>An S3 connection string without its secret key, for messages.</summary>
    public static string RedactS3(string connectionString) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString, "(?i)(SecretKey=)[^;]*", "$1***");
}
