using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

/// <summary>
/// The files of one workload: its ConfigMap, Deployment or StatefulSet, Services, and what its
/// <see cref="KubernetesWorkloadAnnotation"/> asks for (Ingress, autoscalers, a cluster variant).
/// </summary>
public sealed partial class WorkloadManifests(
    WorkloadInputs inputs,
    KubernetesTopology topology,
    KubernetesEnvironmentResource environment,
    ObjectMetadata metadata)
{
    private Workload Workload => inputs.Workload;
    private KubernetesWorkloadAnnotation Options => Workload.Options;
    private string Name => Workload.Name;
    private string Key => Workload.ValuesKey;
    private string ConfigName => KubernetesNames.Config(Workload.Resource.Name);

    public IEnumerable<ManifestFile> Files()
    {
        if (HasConfig)
        {
            yield return new ManifestFile(Name, "config.yaml", scope => [ConfigMap(scope)]);
        }

        if (FileMounts().Count > 0)
        {
            yield return new ManifestFile(Name, "files.yaml", scope => [FilesConfigMap(scope)]);
        }

        if (Workload.Kind == WorkloadKind.Job)
        {
            // A step that runs once has nothing to serve or scale.
            yield return new ManifestFile(Name, "job.yaml", scope => [Job(scope, Options.Job!)]);
            yield break;
        }

        if (Workload.Kind == WorkloadKind.StatefulContainer)
        {
            yield return Options.Cluster is { } cluster
                ? new ManifestFile(Name, "statefulset.yaml", scope => [StatefulSet(scope, clustered: true)])
                {
                    HelmCondition = ClusterEnabled,
                    Otherwise = scope => [StatefulSet(scope, clustered: false)],
                }
                : new ManifestFile(Name, "statefulset.yaml", scope => [StatefulSet(scope, clustered: false)]);
        }
        else
        {
            yield return new ManifestFile(Name, "deployment.yaml", scope => [Deployment(scope)]);
        }

        if (Workload.Kind == WorkloadKind.Project && Options.Availability is not null)
        {
            yield return new ManifestFile(Name, "pdb.yaml", scope => [DisruptionBudget(scope)]);
        }

        foreach (var file in ServiceFiles().Concat(ScalingFiles()))
        {
            yield return file;
        }
    }

    private string ClusterEnabled => $".Values.{Key}.cluster.enabled";

    private bool HasConfig =>
        Workload.Kind == WorkloadKind.Project || inputs.Environment.Any(e => !e.Value.HasSecrets) || ClusterSettings().Any();

    /// <summary>
    /// Plain values sit in values.yaml under <c>config.&lt;name&gt;</c>; values with parameters are templates; values
    /// holding a secret are not here at all, but spliced together in the pod from Secret references.
    /// </summary>
    private V1ConfigMap ConfigMap(HelmScope scope)
    {
        var data = new Dictionary<string, string>();
        foreach (var (variable, value) in inputs.Environment.Where(e => !e.Value.HasSecrets))
        {
            RecordParameters(scope, value);
            if (value.HasParameters)
            {
                data[variable] = value.Render(scope);
            }
            else
            {
                var text = value.Render(scope);
                scope.Values.SetEntry($"config.{Key}", variable, text);
                data[variable] = scope.Expression($"{{{{ index .Values.config \"{Key}\" \"{variable}\" | quote }}}}", text);
            }
        }

        foreach (var (setting, cluster) in ClusterSettings())
        {
            var replicas = $".Values.{cluster.ValuesKey}.cluster.replicas";
            scope.Values.Set($"{cluster.ValuesKey}.cluster.enabled", false);
            scope.Values.Set($"{cluster.ValuesKey}.cluster.replicas", cluster.Options.Cluster!.Replicas);
            data.TryAdd(setting, scope.Expression(
                $"{{{{ if .Values.{cluster.ValuesKey}.cluster.enabled }}}}{{{{ {replicas} | quote }}}}{{{{ else }}}}\"1\"{{{{ end }}}}", "1"));
        }

        if (Workload.Kind == WorkloadKind.Project && inputs.Environment.All(e => e.Key != "OTEL_EXPORTER_OTLP_ENDPOINT"))
        {
            // A local run exports to the dashboard; in the cluster the operator names a collector, or none.
            var endpoint = scope.Text("telemetry.otlpEndpoint", string.Empty);
            if (scope.IsChart)
            {
                data[scope.ConditionalKey(".Values.telemetry.otlpEndpoint", "OTEL_EXPORTER_OTLP_ENDPOINT")] = endpoint;
            }
        }

        return new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = metadata.For(scope, ConfigName, Name), Data = data };
    }

    /// <summary>Settings this workload gets from the clusters it references: each cluster's peer count.</summary>
    private IEnumerable<(string Setting, Workload Cluster)> ClusterSettings() =>
        inputs.References
            .Select(topology.Find)
            .OfType<Workload>()
            .Where(w => w.Options.Cluster?.ReplicasSetting is not null && inputs.Environment.All(e => e.Key != w.Options.Cluster.ReplicasSetting))
            .Select(w => (w.Options.Cluster!.ReplicasSetting!, w));

    private V1Deployment Deployment(HelmScope scope) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = metadata.For(scope, Name, Name),
        Spec = new V1DeploymentSpec
        {
            Replicas = scope.Number($"replicas.{Key}", Workload.Replicas),
            Selector = new V1LabelSelector { MatchLabels = metadata.Selector(Name) },
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                // Highly available: a new pod is ready before an old one goes.
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = Options.Availability is null ? 1 : 0 },
            },
            Template = PodTemplate(scope, clustered: false),
        },
    };

    /// <summary>A drain may take one pod at a time (values.yaml <c>disruptionBudgets.&lt;name&gt;.maxUnavailable</c>).</summary>
    private V1PodDisruptionBudget DisruptionBudget(HelmScope scope) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = metadata.For(scope, Name, Name),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = scope.Number($"disruptionBudgets.{Key}.maxUnavailable", 1),
            Selector = new V1LabelSelector { MatchLabels = metadata.Selector(Name) },
        },
    };

    /// <summary>
    /// A Job is immutable once created: a changed one must be deleted before it is applied again. Its pod restarts
    /// until the step succeeds (for example until the server it sets up answers), within the backoff limit.
    /// </summary>
    private V1Job Job(HelmScope scope, KubernetesJob job)
    {
        var template = PodTemplate(scope, clustered: false);
        template.Spec.RestartPolicy = "OnFailure";
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = metadata.For(scope, Name, Name),
            Spec = new V1JobSpec
            {
                BackoffLimit = scope.Number($"jobs.{Key}.backoffLimit", job.BackoffLimit),
                Template = template,
            },
        };
    }

    private V1StatefulSet StatefulSet(HelmScope scope, bool clustered)
    {
        var claims = VolumeClaims(scope);
        if (Options.Cluster is { } cluster)
        {
            scope.Values.Set($"{Key}.cluster.enabled", false);
            scope.Values.Set($"{Key}.cluster.replicas", cluster.Replicas);
        }

        return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = metadata.For(scope, Name, Name),
            Spec = new V1StatefulSetSpec
            {
                ServiceName = KubernetesNames.HeadlessService(Workload.Resource.Name),
                Replicas = clustered
                    ? scope.Number($"{Key}.cluster.replicas", Options.Cluster!.Replicas)
                    : Options.Cluster is null ? scope.Number($"replicas.{Key}", Workload.Replicas) : 1,
                PodManagementPolicy = "Parallel",
                Selector = new V1LabelSelector { MatchLabels = metadata.Selector(Name) },
                Template = PodTemplate(scope, clustered),
                VolumeClaimTemplates = claims.Count > 0 ? claims : null,
            },
        };
    }

    /// <summary>Records what a value needs in values.yaml: its non-secret parameters' defaults.</summary>
    private static void RecordParameters(HelmScope scope, ClusterValue value)
    {
        foreach (var parameter in value.Parts.OfType<ClusterValue.Parameter>())
        {
            scope.Values.Set(KubernetesNames.ParameterValuesPath(parameter.Resource), parameter.Value);
        }
    }
}
