using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using MobileX.Gateway.Limits;

namespace MobileX.Gateway.Extensions;

/// <summary>DI for the gateway.</summary>
public static class GatewayExtensions
{
    /// <summary>Registers YARP (routes and the api cluster from <c>ReverseProxy</c>), limits and the avatar rate limit.</summary>
    public static void AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<GatewayOptions>>((kestrel, gateway) => kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes);

        // Default: no proxy is trusted, so X-Forwarded-For from anyone changes nothing (docs/serving.md).
        builder.AddTrustedProxies(GatewayOptions.TrustedProxiesSetting);
        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AvatarRateLimit.PolicyName, AvatarRateLimit.Partition);
            limiter.OnRejected = AvatarRateLimit.OnRejectedAsync;
        });

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
    }
}
