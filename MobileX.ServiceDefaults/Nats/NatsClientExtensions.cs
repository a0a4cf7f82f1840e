using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.OpenTelemetry;
using NATS.Net;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// MobileX's own equivalent of Aspire.NATS.Net (not served by our package registry): same method names,
/// settings, configuration sections, health check name and tracing source.
/// </summary>
public static class NatsClientExtensions
{
    private const string DefaultConfigSectionName = "Aspire:NATS:Net";

    /// <summary>The health check name, as in Aspire.NATS.Net.</summary>
    public const string HealthCheckName = "NATS";

    /// <summary>
    /// Registers a singleton <see cref="NatsConnection"/> (also as <see cref="INatsConnection"/> and
    /// <see cref="INatsClient"/>) from <c>ConnectionStrings:{connectionName}</c>, with a health check and tracing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection string is missing or is not a NATS URL.</exception>
    public static void AddNatsClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NatsClientSettings>? configureSettings = null,
        Func<IServiceProvider, NatsOpts, NatsOpts>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new NatsClientSettings();
        builder.Configuration.GetSection(DefaultConfigSectionName).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);

        var url = ValidateConnectionString(connectionName, settings.ConnectionString);

        builder.Services.TryAddSingleton(sp =>
        {
            var opts = NatsOpts.Default with
            {
                Url = url,
                Name = builder.Environment.ApplicationName,
                LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
                // A NATS server that is down at start-up is retried with backoff (ReconnectWaitMin..Max plus jitter)
                // instead of failing the first publish; the health check reports it meanwhile.
                RetryOnInitialConnect = true,
                // Replies come to the user's own inbox (_INBOX.<user>), the only inbox its NATS user may read.
                InboxPrefix = InboxPrefixFor(url),
            };
            if (configureOptions is not null)
            {
                opts = configureOptions(sp, opts);
            }

            return new NatsConnection(opts);
        });
        builder.Services.TryAddSingleton<INatsConnection>(sp => sp.GetRequiredService<NatsConnection>());
        builder.Services.TryAddSingleton<INatsClient>(sp => sp.GetRequiredService<NatsConnection>());
        builder.Services.AddHostedService(sp => new NatsConnectionMonitor(
            sp.GetRequiredService<NatsConnection>(), connectionName, sp.GetRequiredService<ILogger<NatsConnectionMonitor>>()));

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                HealthCheckName,
                sp => new NatsHealthCheck(sp.GetRequiredService<NatsConnection>(), connectionName),
                failureStatus: default,
                tags: default,
                timeout: TimeSpan.FromSeconds(5)));
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry()
                .WithTracing(t => t.AddNatsClientInstrumentation())
                .WithMetrics(m => m.AddNatsClientInstrumentation());
        }
    }

    /// <summary>Registers <see cref="INatsJSContext"/> over the NATS connection added by <see cref="AddNatsClient"/>.</summary>
    public static void AddNatsJetStream(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<INatsJSContext>(sp => sp.GetRequiredService<NatsConnection>().CreateJetStreamContext());
    }

    /// <summary>
    /// <c>_INBOX.&lt;user&gt;</c> for the user of the first server in <paramref name="url"/> (<see cref="MobileX.Contracts.NatsInbox"/>);
    /// NATS.Net's default <c>_INBOX</c> when the URL names no user, or one that cannot be a subject token.
    /// </summary>
    public static string InboxPrefixFor(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var seed = url.Split(',', StringSplitOptions.TrimEntries)[0];
        if (Uri.TryCreate(seed.Contains("://", StringComparison.Ordinal) ? seed : "nats://" + seed, UriKind.Absolute, out var uri)
            && uri.UserInfo is { Length: > 0 } info)
        {
            var colon = info.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? info : info[..colon]);
            if (MobileX.Contracts.NatsInbox.IsToken(user))
            {
                return MobileX.Contracts.NatsInbox.Prefix(user);
            }
        }

        return NatsOpts.Default.InboxPrefix;
    }

    internal static string ValidateConnectionString(string connectionName, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"NATS connection string not found: set 'ConnectionStrings:{connectionName}' (environment variable " +
                $"ConnectionStrings__{connectionName}) or '{DefaultConfigSectionName}:ConnectionString', " +
                "for example nats://user:password@localhost:4222.");
        }

        // NatsOpts.Url takes a comma-separated list of seed servers; each must be a nats:// or tls:// URL.
        foreach (var seed in connectionString.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(seed.Contains("://", StringComparison.Ordinal) ? seed : "nats://" + seed, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("nats" or "tls" or "ws" or "wss")
                || string.IsNullOrEmpty(uri.Host))
            {
                throw new InvalidOperationException(
                    $"NATS connection string 'ConnectionStrings:{connectionName}' is malformed: '{Redact(seed)}' is not " +
                    "a nats:// URL with a host (expected nats://user:password@host:port).");
            }
        }

        return connectionString;
    }

    /// <summary>Hides the password part of a URL before it reaches a log or an exception message.</summary>
    internal static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? url[..(scheme + 3)] + "***@" + url[(at + 1)..] : url;
    }
}
