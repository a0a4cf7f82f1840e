using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace MobileX.Gateway.Extensions;

public static class Extensions
{
    /// <summary>The rate-limit policy named by the <c>avatars-create</c> route.</summary>
    public const string AvatarsPolicy = "avatars";

    /// <summary>Names the API replica that served a response; the gateway names itself on answers it makes alone.</summary>
    public const string InstanceHeader = "X-MobileX-Instance";

    private static readonly Meter Meter = new("MobileX.Gateway");
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("mobilex.gateway.retries", description: "Requests retried on another replica");
    private static readonly Counter<long> Throttled = Meter.CreateCounter<long>("mobilex.gateway.throttled", description: "Requests refused by a rate limit");

    /// <summary>Registers YARP (routes and the api cluster from <c>ReverseProxy</c>), limits and the avatar rate limit.</summary>
    public static void AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<GatewayOptions>>((kestrel, gateway) => kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes);

        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AvatarsPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.AvatarPermitLimit,
                    Window = options.AvatarWindow,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = OnRejectedAsync;
        });

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
    }

    /// <summary>Answers 413 problem+json before proxying a body whose declared length is over the limit.</summary>
    public static IApplicationBuilder UseRequestSizeLimit(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
        return app.Use(async (context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                response.Headers.TryAdd(InstanceHeader, "gateway");
                return Task.CompletedTask;
            }, context.Response);

            if (context.Request.ContentLength > limit)
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "Request body too large",
                    detail: string.Create(CultureInfo.InvariantCulture, $"The body has {context.Request.ContentLength} bytes; the gateway accepts at most {limit} (Gateway:MaxRequestBodyBytes).")).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
    }

    /// <summary>
    /// Retries a GET or HEAD once on another replica when the chosen one could not be reached, so a replica that died
    /// costs no failed request in the seconds before the health checks take it out of rotation.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseRetryOnUnreachableReplica(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            // Load balancing narrows AvailableDestinations to the one it picked, so keep the full set first.
            var feature = context.GetReverseProxyFeature();
            var candidates = feature.AvailableDestinations;
            await next();
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }

            var tried = new List<DestinationState>(2);
            while (context.GetForwarderErrorFeature() is { Error: ForwarderError.Request or ForwarderError.RequestTimedOut } error
                   && !context.Response.HasStarted
                   && feature.ProxiedDestination is { } failed)
            {
                tried.Add(failed);
                var remaining = candidates.Where(d => !tried.Contains(d)).ToList();
                if (remaining.Count == 0)
                {
                    return;
                }

                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MobileX.Gateway.Retry");
                Log.Retrying(logger, failed.DestinationId, context.Request.Method, context.Request.Path, error.Error.ToString());
                Retries.Add(1);
                feature.AvailableDestinations = remaining;
                context.Features.Set<IForwarderErrorFeature>(null);
                context.Response.Clear();
                await next();
            }
        });
        return proxy;
    }

    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        Throttled.Add(1);
        Log.RateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MobileX.Gateway.RateLimit"), context.Request.Path, ClientKey(context), retryAfter);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many avatar requests",
            detail: string.Create(CultureInfo.InvariantCulture, $"Avatar generation is limited per client; retry after {seconds} s.")).ExecuteAsync(context);
    }
}
