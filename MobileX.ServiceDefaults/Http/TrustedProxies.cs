using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> honoured only from the proxies a setting lists (IP addresses or
/// CIDR networks), so a client that forges the headers from anywhere else changes neither its address nor its scheme.
/// </summary>
public static class TrustedProxies
{
    /// <summary>
    /// Trusts the proxies listed at <paramref name="setting"/> (e.g. <c>Gateway:TrustedProxies</c>), or
    /// <paramref name="defaults"/> when the setting is absent; an entry that is neither an address nor a network stops
    /// the service at start with a message naming the setting and the entry. Pair with <see cref="UseTrustedProxies"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder, string setting, params string[] defaults)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(setting);
        var section = builder.Configuration.GetSection(setting);
        string[] Entries() => section.Exists() ? section.Get<string[]>() ?? [] : defaults;

        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure(options =>
            {
                // ASP.NET trusts loopback by default; here only the list counts. With both lists empty the middleware
                // would trust every address, so an empty list turns forwarded headers off instead.
                var entries = Entries();
                options.ForwardedHeaders = entries.Any(e => TryParse(e, out System.Net.IPNetwork _))
                    ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                    : ForwardedHeaders.None;
                options.KnownIPNetworks.Clear();
                options.KnownProxies.Clear();
                // One hop: the trusted proxy's own entry (the address it saw) is taken, anything a client wrote before it is not.
                options.ForwardLimit = 1;
                foreach (var entry in entries)
                {
                    if (TryParse(entry, out var network))
                    {
                        options.KnownIPNetworks.Add(network);
                    }
                }
            })
            .Validate(_ => Entries().All(e => TryParse(e, out System.Net.IPNetwork _)),
                $"{setting} must list IP addresses or CIDR networks (e.g. 10.0.0.0/8, 192.168.1.5, ::1); not one of: {string.Join(", ", Entries().Where(e => !TryParse(e, out System.Net.IPNetwork _)).Select(e => $"'{e}'"))}.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Applies the forwarded headers of trusted proxies; first in the pipeline, so everything after sees the client.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) => app.UseForwardedHeaders();

    /// <summary>An address is a network of one (/32 or /128).</summary>
    public static bool TryParse(string? entry, out System.Net.IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var text = entry.Trim();
        if (IPAddress.TryParse(text, out var address))
        {
            network = new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return System.Net.IPNetwork.TryParse(text, out network);
    }
}
