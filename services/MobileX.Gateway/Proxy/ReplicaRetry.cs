using MobileX.Gateway.Telemetry;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace MobileX.Gateway.Proxy;

/// <summary>
/// Retries a GET or HEAD once on another replica when the chosen one could not be reached, so a replica that died
/// costs no failed request in the seconds before the health checks take it out of rotation.
/// </summary>
public static class ReplicaRetry
{
    /// <summary>Adds the retry to the proxy pipeline; it must run before load balancing narrows the destinations.</summary>
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
                GatewayLog.Retrying(logger, failed.DestinationId, context.Request.Method, context.Request.Path, error.Error.ToString());
                GatewayTelemetry.Retries.Add(1);
                feature.AvailableDestinations = remaining;
                context.Features.Set<IForwarderErrorFeature>(null);
                context.Response.Clear();
                await next();
            }
        });
        return proxy;
    }
}
