using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using MobileX.Gateway.Telemetry;

namespace MobileX.Gateway.Limits;

/// <summary>The per-client limit on avatar requests: a fixed window per remote address, 429 with Retry-After beyond it.</summary>
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

    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
