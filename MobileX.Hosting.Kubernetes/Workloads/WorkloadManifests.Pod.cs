using System.Globalization;
using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

public sealed partial class WorkloadManifests
{
    private const int ProjectUserId = 1654; // the "app" user of the .NET chiseled and Debian base images
    private const int ContainerUserId = 1000;
    private const string PodNameVariable = "POD_NAME";

    private V1PodTemplateSpec PodTemplate(HelmScope scope, bool clustered)
    {
        var uid = Workload.Kind == WorkloadKind.Project ? ProjectUserId : ContainerUserId;
        var volumes = new List<V1Volume> { new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() } };
        if (FileMounts().Count > 0)
        {
            volumes.Add(new V1Volume { Name = "files", ConfigMap = new V1ConfigMapVolumeSource { Name = FilesConfigName } });
        }

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = metadata.Labels(scope, Name) },
            Spec = new V1PodSpec
            {
                AutomountServiceAccountToken = false,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = uid,
                    RunAsGroup = uid,
                    FsGroup = uid,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                Containers = [Container(scope, clustered)],
                Volumes = volumes,
            },
        };
    }

    private V1Container Container(HelmScope scope, bool clustered)
    {
        var args = inputs.Args.Select(a => a.Render(scope)).ToList();
        var ports = Workload.Ports.Select(p => new V1ContainerPort { Name = p.Name, ContainerPort = p.Port, Protocol = "TCP" }).ToList();
        var env = new List<V1EnvVar>();
        if (clustered && Options.Cluster is { } cluster)
        {
            args.AddRange(cluster.Args(ClusterContext(scope, cluster)));
            ports.Add(new V1ContainerPort { Name = "cluster", ContainerPort = cluster.Port, Protocol = "TCP" });
            // Peers are named after their pods, as JetStream clustering requires unique names.
            env.Add(new V1EnvVar { Name = PodNameVariable, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } });
        }

        env.AddRange(inputs.Secrets.Union(clustered ? Options.Cluster?.Secrets ?? [] : []).Select(s => SecretManifests.Variable(scope, s)));
        foreach (var (variable, value) in inputs.Environment.Where(e => e.Value.HasSecrets))
        {
            RecordParameters(scope, value);
            env.Add(new V1EnvVar { Name = variable, Value = value.Render(scope) });
        }

        foreach (var arg in inputs.Args)
        {
            RecordParameters(scope, arg);
        }

        var (readiness, liveness) = Probes();
        return new V1Container
        {
            Name = Name,
            Image = Image(scope),
            // The image's entrypoint, replaced when the model sets one (a shell for a set-up script).
            Command = Workload.Resource is ContainerResource { Entrypoint: { Length: > 0 } entrypoint } ? [entrypoint] : null,
            ImagePullPolicy = scope.Text("images.pullPolicy", "IfNotPresent"),
            Args = args.Count > 0 ? args : null,
            Ports = ports.Count > 0 ? ports : null,
            EnvFrom = HasConfig ? [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = ConfigName } }] : null,
            Env = env.Count > 0 ? env : null,
            Resources = Resources(scope),
            ReadinessProbe = readiness,
            LivenessProbe = liveness,
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = Options.ReadOnlyRootFilesystem ?? Workload.Kind == WorkloadKind.Project,
                RunAsNonRoot = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = VolumeMounts(),
        };
    }

    private KubernetesClusterContext ClusterContext(HelmScope scope, KubernetesCluster cluster)
    {
        var headless = KubernetesNames.HeadlessService(Workload.Resource.Name);
        return new KubernetesClusterContext(
            $"$({PodNameVariable})",
            scope.Expression("{{ .Release.Name | quote }}", metadata.Chart),
            (scheme, userInfo) => scope.Expression(
                $"{{{{ $routes := list }}}}{{{{ range $i := until (int .Values.{Key}.cluster.replicas) }}}}" +
                $"{{{{ $routes = append $routes (printf \"{scheme}://{(userInfo is null ? string.Empty : userInfo + "@")}{Name}-%d.{headless}:{cluster.Port}\" $i) }}}}" +
                "{{ end }}{{ join \",\" $routes | quote }}",
                string.Empty),
            secret => cluster.Secrets.Contains(secret)
                ? $"$({KubernetesNames.SecretVariable(secret)})"
                : throw new InvalidOperationException($"The cluster arguments of '{Workload.Resource.Name}' use secret '{secret.Name}', which KubernetesCluster.Secrets does not list."));
    }

    private string Image(HelmScope scope)
    {
        if (Workload.Resource is ProjectResource project)
        {
            var repository = environment.ImageRepository(project);
            scope.Values.Set("images.registry", environment.ImageRegistry);
            scope.Values.Set("images.tag", environment.ImageTag);
            scope.Values.Set($"images.{Key}.repository", repository);
            return scope.Expression(
                $"\"{{{{ .Values.images.registry }}}}/{{{{ .Values.images.{Key}.repository }}}}:{{{{ .Values.images.tag }}}}\"",
                $"{environment.ImageRegistry}/{repository}:{environment.ImageTag}");
        }

        var image = Workload.Resource.Annotations.OfType<ContainerImageAnnotation>().Last();
        var registry = image.Registry ?? "docker.io";
        var tag = image.Tag ?? "latest";
        scope.Values.Set($"images.{Key}.registry", registry);
        scope.Values.Set($"images.{Key}.repository", image.Image);
        scope.Values.Set($"images.{Key}.tag", tag);
        return scope.Expression(
            $"\"{{{{ .Values.images.{Key}.registry }}}}/{{{{ .Values.images.{Key}.repository }}}}:{{{{ .Values.images.{Key}.tag }}}}\"",
            $"{registry}/{image.Image}:{tag}");
    }

    private V1ResourceRequirements Resources(HelmScope scope)
    {
        var (cpuRequest, memoryRequest, cpuLimit, memoryLimit) = Workload.Kind == WorkloadKind.Project
            ? ("100m", "128Mi", "1", "512Mi")
            : ("100m", "256Mi", "1", "1Gi");
        return new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = scope.Quantity($"resources.{Key}.requests.cpu", cpuRequest),
                ["memory"] = scope.Quantity($"resources.{Key}.requests.memory", memoryRequest),
            },
            Limits = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = scope.Quantity($"resources.{Key}.limits.cpu", cpuLimit),
                ["memory"] = scope.Quantity($"resources.{Key}.limits.memory", memoryLimit),
            },
        };
    }

    private (V1Probe? Readiness, V1Probe? Liveness) Probes()
    {
        if (Workload.Kind == WorkloadKind.Job)
        {
            // A step that runs to completion serves nothing to probe; its exit code is its health.
            return (null, null);
        }

        var http = Options.Probes
            ?? (Workload.Kind == WorkloadKind.Project && Workload.Ports.Count > 0 ? new KubernetesProbes(Workload.Ports[0].Name, "/health", "/alive") : null);
        if (http is not null)
        {
            return (
                new V1Probe { HttpGet = new V1HTTPGetAction { Path = http.ReadinessPath, Port = http.EndpointName }, InitialDelaySeconds = 5, PeriodSeconds = 10, TimeoutSeconds = 5, FailureThreshold = 3 },
                new V1Probe { HttpGet = new V1HTTPGetAction { Path = http.LivenessPath, Port = http.EndpointName }, InitialDelaySeconds = 15, PeriodSeconds = 20, TimeoutSeconds = 5, FailureThreshold = 3 });
        }

        return Workload.Ports.Count > 0
            ? (new V1Probe { TcpSocket = new V1TCPSocketAction { Port = Workload.Ports[0].Name }, PeriodSeconds = 10 },
               new V1Probe { TcpSocket = new V1TCPSocketAction { Port = Workload.Ports[0].Name }, PeriodSeconds = 10 })
            : (null, null);
    }

    private List<V1VolumeMount> VolumeMounts()
    {
        var mounts = new List<V1VolumeMount> { new() { Name = "tmp", MountPath = "/tmp" } };
        mounts.AddRange(FileMounts().Select(m => new V1VolumeMount { Name = "files", MountPath = m.Target, SubPath = Path.GetFileName(m.Target), ReadOnlyProperty = true }));
        mounts.AddRange(DataVolumes().Select((m, i) => new V1VolumeMount { Name = ClaimName(i), MountPath = m.Target, ReadOnlyProperty = m.IsReadOnly }));
        return mounts;
    }

    private List<V1PersistentVolumeClaim> VolumeClaims(HelmScope scope) =>
        DataVolumes().Select((_, i) => new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = ClaimName(i) },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = scope.Quantity($"persistence.{Key}.size", Options.VolumeSize ?? "8Gi") },
                },
            },
        }).ToList();

    private static string ClaimName(int index) => "data-" + index.ToString(CultureInfo.InvariantCulture);

    private List<ContainerMountAnnotation> DataVolumes() =>
        Workload.Resource.Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Type == ContainerMountType.Volume).ToList();

    private string FilesConfigName => ConfigName + "-files";

    /// <summary>
    /// A file the AppHost bind-mounts into a container travels as a ConfigMap mounted at the same path. Such files must
    /// hold no secrets; credentials reach the container as environment variables.
    /// </summary>
    private List<ContainerMountAnnotation> FileMounts() =>
        Workload.Resource.Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Type == ContainerMountType.BindMount).ToList();

    private V1ConfigMap FilesConfigMap(HelmScope scope)
    {
        var data = new Dictionary<string, string>();
        foreach (var mount in FileMounts())
        {
            if (mount.Source is not { } source || !File.Exists(source))
            {
                throw new DistributedApplicationException(
                    $"Kubernetes: {Workload.Resource.Name} bind-mounts '{mount.Source}' at {mount.Target}; only single files can be published (as a ConfigMap).");
            }

            data[Path.GetFileName(mount.Target)] = File.ReadAllText(source);
        }

        return new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = metadata.For(scope, FilesConfigName, Name), Data = data };
    }
}
