namespace MobileX.Api.Telemetry;

/// <summary>
/// The API's authentication events, EventIds 3050-3069 inside the API's range. A key is never logged: at most its
/// fingerprint, the first 8 hex digits of its SHA-256.
/// </summary>
internal static partial class ApiLog
{
    [LoggerMessage(3050, LogLevel.Information, "Refused {Method} {Path}: no credential")]
    public static partial void NoCredential(ILogger logger, string method, string path);

    [LoggerMessage(3051, LogLevel.Warning, "Refused {Method} {Path}: bad credential ({Reason})")]
    public static partial void BadCredential(ILogger logger, string method, string path, string reason);

    [LoggerMessage(3052, LogLevel.Warning, "Refused {Method} {Path}: credential {Credential} holds {Right}, needs {Needed}")]
    public static partial void Forbidden(ILogger logger, string method, string path, string credential, string right, string needed);

    [LoggerMessage(3053, LogLevel.Information, "Page signed in with {Credential} ({Right})")]
    public static partial void SignedIn(ILogger logger, string credential, string right);

    [LoggerMessage(3054, LogLevel.Warning, "Page sign-in refused: key {Fingerprint} is not configured")]
    public static partial void SignInRefused(ILogger logger, string fingerprint);

    [LoggerMessage(3055, LogLevel.Information, "Data Protection key ring: {Keys} keys loaded from NATS KV {Bucket}")]
    public static partial void KeyRingLoaded(ILogger logger, int keys, string bucket);

    [LoggerMessage(3056, LogLevel.Information, "Data Protection key {Key} stored in NATS KV {Bucket}")]
    public static partial void KeyRingKeyStored(ILogger logger, string key, string bucket);

    [LoggerMessage(3057, LogLevel.Warning, "Data Protection: no first key appeared in NATS KV {Bucket} within {Wait}; making one here")]
    public static partial void KeyRingFirstKeyMissing(ILogger logger, string bucket, TimeSpan wait);

    [LoggerMessage(3058, LogLevel.Warning, "Data Protection: entry {Key} in NATS KV {Bucket} is not XML; ignored")]
    public static partial void KeyRingBadEntry(ILogger logger, Exception exception, string key, string bucket);

    [LoggerMessage(3059, LogLevel.Warning, "Data Protection: watching NATS KV {Bucket} failed; retrying")]
    public static partial void KeyRingWatchFailed(ILogger logger, Exception exception, string bucket);

    [LoggerMessage(3060, LogLevel.Information, "Page signed out ({Credential})")]
    public static partial void SignedOut(ILogger logger, string credential);
}
