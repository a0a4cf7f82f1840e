namespace MobileX.Hosting.Kubernetes;

/// <summary>
/// What is special about one resource in the cluster. The publisher treats every resource alike and reads this
/// annotation for the rest, so it never needs to know a resource by name. Set through the <c>WithKubernetes…</c>
/// methods of <see cref="KubernetesWorkloadExtensions"/>.
/// </summary>
public sealed class KubernetesWorkloadAnnotation : IResourceAnnotation
{
    /// <summary>Expose the first endpoint through the chart's Ingress.</summary>
    public bool Ingress { get; set; }

    /// <summary>A headless Service beside the ClusterIP one, so a client can balance over every pod itself.</summary>
    public bool HeadlessService { get; set; }

    public KubernetesAutoscaling? Autoscaling { get; set; }

    public KedaScaler? Keda { get; set; }

    /// <summary>HTTP probes; projects default to <c>/health</c> and <c>/alive</c>, containers to a TCP probe.</summary>
    public KubernetesProbes? Probes { get; set; }

    /// <summary>Whether the root filesystem is read-only; projects default to true, containers to false.</summary>
    public bool? ReadOnlyRootFilesystem { get; set; }

    /// <summary>The default size of each volume claim; values.yaml <c>persistence.&lt;name&gt;.size</c>.</summary>
    public string? VolumeSize { get; set; }

    /// <summary>Lets a StatefulSet run as a cluster of peers when values.yaml turns <c>&lt;name&gt;.cluster.enabled</c> on.</summary>
    public KubernetesCluster? Cluster { get; set; }

    /// <summary>A container that runs to completion (a set-up step): a Job instead of a Deployment.</summary>
    public KubernetesJob? Job { get; set; }

    /// <summary>Stays up through a rollout and a node drain: no pod goes before its replacement is ready, and a PodDisruptionBudget.</summary>
    public KubernetesAvailability? Availability { get; set; }
}

/// <summary>
/// A Deployment of at least <paramref name="Replicas"/> pods whose rolling update never has fewer ready pods
/// (<c>maxUnavailable: 0</c>), with a PodDisruptionBudget that lets a voluntary disruption (a drain) take one at a time.
/// </summary>
public sealed record KubernetesAvailability(int Replicas = 2);

/// <summary>
/// A batch/v1 Job whose pod restarts on failure until it succeeds, at most <paramref name="BackoffLimit"/> times
/// (values.yaml <c>jobs.&lt;name&gt;.backoffLimit</c>). Its work must be idempotent: a pod may run it more than once.
/// </summary>
public sealed record KubernetesJob(int BackoffLimit = 6);

/// <summary>A CPU HorizontalPodAutoscaler; min defaults to the model's replicas, max to three times that.</summary>
public sealed record KubernetesAutoscaling(int? MinReplicas = null, int? MaxReplicas = null, int TargetCpuUtilization = 70);

/// <summary>
/// A KEDA ScaledObject (chart only, off until values.yaml sets <c>keda.enabled</c>); while on, the CPU autoscaler
/// steps aside, since two autoscalers on one Deployment fight.
/// </summary>
/// <param name="Metadata">Trigger metadata; strings become values.yaml entries, endpoint references in-cluster addresses.</param>
public sealed record KedaScaler(string TriggerType, IReadOnlyDictionary<string, object> Metadata, int? MaxReplicas = null);

public sealed record KubernetesProbes(string EndpointName, string ReadinessPath, string LivenessPath);

/// <summary>
/// A StatefulSet that can run as a cluster of peers.
/// </summary>
/// <param name="Replicas">Peers when clustered; values.yaml <c>&lt;name&gt;.cluster.replicas</c>.</param>
/// <param name="Port">The peer port, served on the headless Service.</param>
/// <param name="Args">Extra arguments of a clustered pod, given the cluster's placeholders.</param>
/// <param name="ReplicasSetting">An environment variable given to every workload that references this one: the number of peers (1 unless clustered).</param>
/// <param name="Secrets">Secret parameters the arguments use through <see cref="KubernetesClusterContext.Secret"/> (such as the route password).</param>
public sealed record KubernetesCluster(int Replicas, int Port, Func<KubernetesClusterContext, IEnumerable<string>> Args, string? ReplicasSetting = null)
{
    public IReadOnlyList<ParameterResource> Secrets { get; init; } = [];
}

/// <summary>What a cluster's arguments may refer to.</summary>
/// <param name="PodName">The pod's own name, as an argument (<c>$(POD_NAME)</c>).</param>
/// <param name="ClusterName">The release name, as an argument.</param>
/// <param name="Routes">The peer URLs, comma-separated, for a scheme such as <c>nats</c> and optional user info (<c>user:pass</c>).</param>
/// <param name="Secret">A secret of <see cref="KubernetesCluster.Secrets"/> as an argument: <c>$(VAR)</c>, read from its Secret.</param>
public sealed record KubernetesClusterContext(string PodName, string ClusterName, Func<string, string?, string> Routes, Func<ParameterResource, string> Secret);
