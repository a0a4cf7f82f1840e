namespace MobileX.Hosting.Kubernetes.Model;

/// <summary>A port a workload serves in the cluster; its Service exposes the same number.</summary>
public sealed record ClusterPort(string Name, int Port, string Scheme);

/// <summary>What kind of Kubernetes workload a resource becomes.</summary>
public enum WorkloadKind
{
    /// <summary>A .NET project, published as an image by <c>dotnet publish /t:PublishContainer</c>.</summary>
    Project,

    /// <summary>A stateless container image.</summary>
    Container,

    /// <summary>A container with a connection string or a volume: a StatefulSet with PersistentVolumeClaims.</summary>
    StatefulContainer,

    /// <summary>A container that runs to completion (<see cref="KubernetesWorkloadExtensions.AsKubernetesJob"/>): a Job.</summary>
    Job,
}

/// <summary>One resource of the app model that becomes a workload.</summary>
public sealed record Workload(IResource Resource, WorkloadKind Kind, int Replicas, IReadOnlyList<ClusterPort> Ports)
{
    public string Name => KubernetesNames.Object(Resource.Name);

    public string ValuesKey => KubernetesNames.ValuesKey(Resource.Name);

    public KubernetesWorkloadAnnotation Options => Resource.KubernetesOptions();
}

/// <summary>
/// The deployable part of an app model: which resources become workloads, and the ports they serve. Projects
/// listen on 8080 (<c>HTTP_PORTS</c>), as in Aspire.Hosting.Kubernetes; TLS ends at the Ingress, so project
/// https endpoints are not served inside the cluster.
/// </summary>
public sealed class KubernetesTopology
{
    public const int ProjectHttpPort = 8080;

    private readonly Dictionary<IResource, Workload> _workloads = [];

    public KubernetesTopology(DistributedApplicationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var resource in model.Resources)
        {
            if (IsExcluded(resource))
            {
                continue;
            }

            var replicas = resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replica) ? replica.Replicas : 1;
            if (resource is ProjectResource project)
            {
                _workloads[resource] = new Workload(resource, WorkloadKind.Project, replicas, ProjectPorts(project));
            }
            else if (resource is ContainerResource container && container.TryGetLastAnnotation<ContainerImageAnnotation>(out _))
            {
                var stateful = resource is IResourceWithConnectionString
                    || container.TryGetAnnotationsOfType<ContainerMountAnnotation>(out var mounts) && mounts.Any(m => m.Type == ContainerMountType.Volume);
                var kind = container.KubernetesOptions().Job is not null ? WorkloadKind.Job
                    : stateful ? WorkloadKind.StatefulContainer
                    : WorkloadKind.Container;
                _workloads[resource] = new Workload(resource, kind, replicas, ContainerPorts(container));
            }
        }
    }

    public IEnumerable<Workload> Workloads => _workloads.Values;

    public Workload? Find(IResource resource) => _workloads.GetValueOrDefault(resource);

    public ClusterPort? FindPort(IResource resource, string endpointName) =>
        Find(resource)?.Ports.FirstOrDefault(p => p.Name == endpointName);

    private static bool IsExcluded(IResource resource) =>
        resource.TryGetLastAnnotation<ManifestPublishingCallbackAnnotation>(out var publishing) && publishing.Callback is null;

    private static List<ClusterPort> ProjectPorts(ProjectResource project)
    {
        var ports = new List<ClusterPort>();
        if (project.TryGetEndpoints(out var endpoints))
        {
            foreach (var endpoint in endpoints.Where(e => e.UriScheme == "http"))
            {
                var port = endpoint.TargetPort ?? ProjectHttpPort + ports.Count;
                ports.Add(new ClusterPort(endpoint.Name, port, "http"));
            }
        }

        if (ports.Count == 0)
        {
            // Service projects map /health and /alive (ServiceDefaults' MapDefaultEndpoints), so each listens even
            // without an endpoint in the model; the probes need the port.
            ports.Add(new ClusterPort("http", ProjectHttpPort, "http"));
        }

        return ports;
    }

    private static List<ClusterPort> ContainerPorts(ContainerResource container)
    {
        var ports = new List<ClusterPort>();
        if (container.TryGetEndpoints(out var endpoints))
        {
            foreach (var endpoint in endpoints)
            {
                if ((endpoint.TargetPort ?? endpoint.Port) is { } port)
                {
                    ports.Add(new ClusterPort(endpoint.Name, port, endpoint.UriScheme));
                }
            }
        }

        return ports;
    }
}
