namespace MobileX.Hosting.Kubernetes;

/// <summary>How the AppHost says what is special about a resource in the cluster.</summary>
public static class KubernetesWorkloadExtensions
{
    /// <summary>Exposes the resource's first endpoint through the chart's Ingress (values.yaml <c>ingress.*</c>).</summary>
    public static IResourceBuilder<T> WithKubernetesIngress<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.ConfigureKubernetes(w => w.Ingress = true);

    /// <summary>Adds a headless Service so clients (a YARP gateway, a JetStream cluster) see every pod.</summary>
    public static IResourceBuilder<T> WithKubernetesHeadlessService<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.ConfigureKubernetes(w => w.HeadlessService = true);

    /// <summary>Scales the Deployment on CPU with a HorizontalPodAutoscaler.</summary>
    public static IResourceBuilder<T> WithHorizontalAutoscaler<T>(this IResourceBuilder<T> builder, KubernetesAutoscaling? autoscaling = null) where T : IResource =>
        builder.ConfigureKubernetes(w => w.Autoscaling = autoscaling ?? new KubernetesAutoscaling());

    /// <summary>Offers a KEDA ScaledObject for the Deployment; values.yaml <c>keda.enabled</c> turns it on.</summary>
    public static IResourceBuilder<T> WithKedaScaler<T>(this IResourceBuilder<T> builder, KedaScaler scaler) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(scaler);
        return builder.ConfigureKubernetes(w => w.Keda = scaler);
    }

    /// <summary>HTTP readiness and liveness probes on the named endpoint.</summary>
    public static IResourceBuilder<T> WithKubernetesProbes<T>(this IResourceBuilder<T> builder, string endpointName, string readinessPath, string livenessPath) where T : IResource =>
        builder.ConfigureKubernetes(w => w.Probes = new KubernetesProbes(endpointName, readinessPath, livenessPath));

    /// <summary>
    /// Publishes a container that runs to completion, such as a provisioning step, as a Job (restartPolicy
    /// OnFailure, <paramref name="backoffLimit"/> retries) instead of a Deployment that would restart it for ever.
    /// </summary>
    public static IResourceBuilder<T> AsKubernetesJob<T>(this IResourceBuilder<T> builder, int backoffLimit = 6) where T : ContainerResource
    {
        ArgumentOutOfRangeException.ThrowIfNegative(backoffLimit);
        return builder.ConfigureKubernetes(w => w.Job = new KubernetesJob(backoffLimit));
    }

    /// <summary>
    /// Keeps the resource serving through rollouts and drains in the cluster: <paramref name="replicas"/> pods (publish
    /// only; a local run keeps one), rolling update <c>maxUnavailable: 0</c>, and a PodDisruptionBudget.
    /// </summary>
    public static IResourceBuilder<T> WithKubernetesHighAvailability<T>(this IResourceBuilder<T> builder, int replicas = 2) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 2);
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            builder.WithAnnotation(new ReplicaAnnotation(replicas), ResourceAnnotationMutationBehavior.Replace);
        }

        return builder.ConfigureKubernetes(w => w.Availability = new KubernetesAvailability(replicas));
    }

    /// <summary>Changes one part of the resource's <see cref="KubernetesWorkloadAnnotation"/>, adding it on first use.</summary>
    public static IResourceBuilder<T> ConfigureKubernetes<T>(this IResourceBuilder<T> builder, Action<KubernetesWorkloadAnnotation> configure) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (!builder.Resource.TryGetLastAnnotation<KubernetesWorkloadAnnotation>(out var annotation))
        {
            annotation = new KubernetesWorkloadAnnotation();
            builder.Resource.Annotations.Add(annotation);
        }

        configure(annotation);
        return builder;
    }

    internal static KubernetesWorkloadAnnotation KubernetesOptions(this IResource resource) =>
        resource.TryGetLastAnnotation<KubernetesWorkloadAnnotation>(out var annotation) ? annotation : Empty;

    private static readonly KubernetesWorkloadAnnotation Empty = new();
}
