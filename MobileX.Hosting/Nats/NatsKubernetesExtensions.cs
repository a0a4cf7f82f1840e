using MobileX.Hosting.Kubernetes;

namespace MobileX.Hosting.Nats;

/// <summary>How a NATS server and its consumers look in the Kubernetes output.</summary>
public static class NatsKubernetesExtensions
{
    public const int ClusterPort = 6222;

    /// <summary>The user every peer presents on its routes; the password is a generated secret parameter.</summary>
    public const string RouteUser = "route";

    /// <summary>
    /// Lets the chart run NATS as a JetStream cluster of <paramref name="replicas"/> peers (values.yaml
    /// <c>nats.cluster.enabled</c>). Every workload that references the server gets <paramref name="replicasSetting"/>,
    /// the number of peers, so it can ask for as many stream replicas.
    /// </summary>
    public static IResourceBuilder<INatsServerResource> WithKubernetesCluster(
        this IResourceBuilder<INatsServerResource> nats, int replicas = 3, string? replicasSetting = null)
    {
        ArgumentNullException.ThrowIfNull(nats);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 3);
        // Not a model parameter: nothing but the peers use it, and its Secret is generated in the cluster.
        var routePassword = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(
            nats.ApplicationBuilder, $"{nats.Resource.Name}-route-password", special: false);
        return nats.ConfigureKubernetes(w => w.Cluster = new KubernetesCluster(replicas, ClusterPort, cluster =>
        {
            // User info in --cluster sets the route authorization every peer must present; the same user info on each
            // route is what this peer presents. A pod that does not know the password cannot join the cluster.
            var userInfo = $"{RouteUser}:{cluster.Secret(routePassword)}";
            return
            [
                // Routes to every pod of the StatefulSet through its headless Service; a route to itself is ignored.
                "--name", cluster.PodName,
                "--cluster_name", cluster.ClusterName,
                "--cluster", $"nats://{userInfo}@0.0.0.0:{ClusterPort}",
                "--routes", cluster.Routes("nats", userInfo),
            ];
        }, replicasSetting) { Secrets = [routePassword] });
    }

    /// <summary>
    /// Offers a KEDA <c>nats-jetstream</c> scaler: the workload scales on the pending messages of its durable
    /// <paramref name="consumer"/> of <paramref name="stream"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithKedaJetStreamScaler(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<INatsServerResource> nats, string stream, string consumer, int lagThreshold = 50)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(nats);
        return project.WithKedaScaler(new KedaScaler("nats-jetstream", new Dictionary<string, object>
        {
            ["natsServerMonitoringEndpoint"] = nats.GetEndpoint(NatsServerShape.MonitoringEndpointName),
            ["account"] = "$G",
            ["stream"] = stream,
            ["consumer"] = consumer,
            ["lagThreshold"] = lagThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["useHttps"] = "false",
        }));
    }
}
