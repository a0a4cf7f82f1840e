using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using MobileX.Hosting.Infrastructure;
using MobileX.Hosting.Kubernetes;
using NATS.Client.Core;

namespace MobileX.Hosting.Nats;

/// <summary>
/// MobileX's own NATS hosting integration (Aspire.Hosting.Nats is not served by our registry). Same method names,
/// endpoint, arguments, connection string and health check; it runs a container or a local process by mode.
/// </summary>
public static class NatsBuilderExtensions
{
    /// <summary>The official image; 2.12 is the current line with JetStream features beyond Debian's 2.9.</summary>
    public const string Image = "library/nats";
    public const string ImageTag = "2.12.1";
    public const string Registry = "docker.io";

    public const string PortSetting = "MobileX:Nats:Port";
    public const string MonitorPortSetting = "MobileX:Nats:MonitorPort";
    public const string ServerPathSetting = "MobileX:Nats:ServerPath";
    public const int DefaultPort = 4222;
    public const int DefaultMonitorPort = 8222;

    /// <summary>
    /// Adds a NATS server with user/password authentication (a generated secret parameter unless given).
    /// In Local mode it listens on 127.0.0.1 at <c>MobileX:Nats:Port</c> (default 4222).
    /// </summary>
    public static IResourceBuilder<INatsServerResource> AddNats(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        int? port = null,
        IResourceBuilder<ParameterResource>? userName = null,
        IResourceBuilder<ParameterResource>? password = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var infrastructure = builder.GetInfrastructure();
        var passwordParameter = password?.Resource
            ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var hostPort = port ?? builder.Configuration.GetValue(PortSetting, DefaultPort);

        IResourceBuilder<INatsServerResource> nats;
        if (infrastructure.Mode == InfrastructureMode.Containers)
        {
            nats = builder.AddResource(new NatsServerResource(name, userName?.Resource, passwordParameter))
                .WithEndpoint(port: hostPort, targetPort: 4222, name: NatsServerShape.PrimaryEndpointName)
                .WithEndpoint(targetPort: 8222, scheme: "http", name: NatsServerShape.MonitoringEndpointName)
                .WithImage(Image, ImageTag)
                .WithImageRegistry(Registry)
                .WithArgs("-m", "8222");
        }
        else
        {
            var serverPath = LocalTools.Require(
                "nats-server",
                builder.Configuration[ServerPathSetting],
                ServerPathSetting,
                "Install it with 'sudo apt-get install -y nats-server' (or run ./mobilex.sh setup), or set " +
                $"{ServerPathSetting} to its path, or set MobileX:Infrastructure=Containers on a machine with Docker.");
            var monitorPort = builder.Configuration.GetValue(MonitorPortSetting, DefaultMonitorPort);

            // Not proxied: the process itself owns the documented port, so `nats sub` and other tools reach it directly.
            nats = builder.AddResource(new NatsServerProcessResource(name, serverPath, infrastructure.StateDirectory, userName?.Resource, passwordParameter))
                .WithEndpoint(port: hostPort, targetPort: hostPort, name: NatsServerShape.PrimaryEndpointName, isProxied: false)
                .WithEndpoint(port: monitorPort, targetPort: monitorPort, scheme: "http", name: NatsServerShape.MonitoringEndpointName, isProxied: false)
                .WithArgs("-a", "127.0.0.1", "-p", hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-m", monitorPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-n", name);
        }

        var resource = nats.Resource;
        nats.WithArgs(context =>
        {
            // nats-server refuses --user/--pass beside a users list, so per-station users move every credential into the file.
            if (resource.TryGetLastAnnotation<NatsConfigFileAnnotation>(out var configFile))
            {
                context.Args.Add("-c");
                context.Args.Add(configFile.Path);
                return;
            }

            context.Args.Add("--user");
            context.Args.Add(resource.UserNameReference);
            context.Args.Add("--pass");
            context.Args.Add(resource.PasswordParameter!);
        });

        return nats.WithNatsHealthCheck(builder)
            // In the cluster: readiness once JetStream serves, and no writes outside the store's volume.
            .WithKubernetesProbes(NatsServerShape.MonitoringEndpointName, "/healthz?js-enabled-only=true", "/healthz?js-enabled-only=true")
            .ConfigureKubernetes(w => w.ReadOnlyRootFilesystem = true);
    }

    /// <summary>Turns JetStream on (<c>-js</c>).</summary>
    public static IResourceBuilder<INatsServerResource> WithJetStream(this IResourceBuilder<INatsServerResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithArgs("-js");
    }

    /// <summary>
    /// Keeps JetStream's file store: a volume at <c>/var/lib/nats</c> for a container, or a folder under the AppHost's
    /// state directory for a local process.
    /// </summary>
    public static IResourceBuilder<INatsServerResource> WithDataVolume(this IResourceBuilder<INatsServerResource> builder, string? name = null, bool isReadOnly = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Resource is NatsServerResource && builder is IResourceBuilder<ContainerResource> container)
        {
            container.WithVolume(name ?? VolumeNameGenerator.Generate(container, "data"), "/var/lib/nats", isReadOnly);
            return builder.WithArgs("-sd", "/var/lib/nats");
        }

        var dataDirectory = builder.ApplicationBuilder.GetInfrastructure().DataDirectory(name ?? builder.Resource.Name);
        return builder.WithArgs("-sd", dataDirectory);
    }

    private static IResourceBuilder<INatsServerResource> WithNatsHealthCheck(this IResourceBuilder<INatsServerResource> nats, IDistributedApplicationBuilder builder)
    {
        var resource = nats.Resource;
        NATS.Client.Core.NatsConnection? connection = null;

        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (@event, ct) =>
        {
            var url = await resource.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false)
                ?? throw new DistributedApplicationException($"The connection string of '{resource.Name}' was null when it became available.");
            connection = new NATS.Client.Core.NatsConnection(NatsOpts.Default with
            {
                Url = url,
                Name = "MobileX.AppHost health check",
                LoggerFactory = @event.Services.GetRequiredService<ILoggerFactory>(),
            });
        });

        var key = $"{resource.Name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            _ => new NatsServerHealthCheck(resource.Name, () => connection),
            failureStatus: default,
            tags: default,
            timeout: TimeSpan.FromSeconds(5)));

        return nats.WithHealthCheck(key);
    }
}
