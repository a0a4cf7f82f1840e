using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using MobileX.Gateway.Telemetry;

namespace MobileX.Gateway.Limits;

/// <summary>
/// The per-client limit on avatar requests: a fixed window per credential (API key, bearer token or session cookie,
/// by hash) or, without one, per client address as resolved from trusted proxies; 429 with Retry-After beyond it.
/// </summary>
public static class AvatarRateLimit
{
    /// <summary>The rate-limit policy named by the <c>avatars-create</c> route.</summary>
    public const string PolicyName = "avatars";

    /// <summary>One fixed window per client address, sized by <see cref="GatewayOptions"/>.</summary>
    internal static RateLimitPartition<string> Partition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.AvatarPermitLimit,
            Window = options.AvatarWindow,
            QueueLimit = 0,
        });
    }

    /// <summary>Answers 429 problem+json with Retry-After in whole seconds.</summary>
    internal static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        GatewayTelemetry.Throttled.Add(1);
        GatewayLog.RateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MobileX.Gateway.RateLimit"), context.Request.Path, ClientKey(context), retryAfter);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await GatewayProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many avatar requests",
            $"Avatar generation is limited per client; retry after {seconds} s.");
    }

    /// <summary>The API's session cookie (services/MobileX.Api/Auth/AuthExtensions.cs).</summary>
    public const string SessionCookie = "mobilex-session";

    /// <summary>
    /// <c>cred:</c> and 16 hex digits of the credential's SHA-256, else <c>addr:</c> and the client address. The gateway
    /// does not check credentials (the API does), so a made-up credential gets a bucket of its own; such requests are
    /// refused 401 by the API before any inference, which is what the limit protects. Behind an Ingress every user
    /// would otherwise share the proxy's address.
    /// </summary>
    internal static string ClientKey(HttpContext context)
    {
        var request = context.Request;
        var credential = request.Headers["X-Api-Key"].ToString() is { Length: > 0 } key ? key
            : request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization
            : request.Cookies[SessionCookie];
        if (!string.IsNullOrEmpty(credential))
        {
            return "cred:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)))[..16];
        }

        return "addr:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
