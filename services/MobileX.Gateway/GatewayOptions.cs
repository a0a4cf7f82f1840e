using System.ComponentModel.DataAnnotations;

namespace MobileX.Gateway;

/// <summary>Gateway limits, bound from <c>Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Proxies in front of the gateway (an Ingress controller) whose <c>X-Forwarded-For</c>/<c>-Proto</c> count, as IP
    /// addresses or CIDR networks. None unless set.
    /// </summary>
    public const string TrustedProxiesSetting = "Gateway:TrustedProxies";

    /// <summary>Largest request body accepted; the API takes JSON requests only, never uploads.</summary>
    [Range(1024, 100L << 20, ErrorMessage = "Gateway:MaxRequestBodyBytes must be 1 KiB to 100 MiB.")]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Avatar requests one client may make per <see cref="AvatarWindow"/>.</summary>
    [Range(1, 100_000, ErrorMessage = "Gateway:AvatarPermitLimit must be 1 to 100000.")]
    public int AvatarPermitLimit { get; set; } = 10;

    /// <summary>The window <see cref="AvatarPermitLimit"/> counts over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Gateway:AvatarWindow must be between 1 second and 1 day.")]
    public TimeSpan AvatarWindow { get; set; } = TimeSpan.FromMinutes(1);
}
