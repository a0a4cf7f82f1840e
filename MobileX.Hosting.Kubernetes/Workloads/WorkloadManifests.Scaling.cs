using System.Globalization;
using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

public sealed partial class WorkloadManifests
{
    private IEnumerable<ManifestFile> ScalingFiles()
    {
        if (Workload.Kind != WorkloadKind.Project)
        {
            yield break;
        }

        if (Options.Autoscaling is { } autoscaling)
        {
            // KEDA creates its own HorizontalPodAutoscaler; two on one Deployment would fight.
            var condition = Options.Keda is null
                ? $".Values.autoscaling.{Key}.enabled"
                : $"and .Values.autoscaling.{Key}.enabled (not .Values.keda.enabled)";
            yield return new ManifestFile(Name, "hpa.yaml", scope => [HorizontalAutoscaler(scope, autoscaling)]) { HelmCondition = condition };
        }

        if (Options.Keda is { } keda)
        {
            yield return new ManifestFile(Name, "scaledobject.yaml", scope => [ScaledObject(scope, keda)])
            {
                HelmCondition = ".Values.keda.enabled",
                InPlain = false,
            };
        }
    }

    private V2HorizontalPodAutoscaler HorizontalAutoscaler(HelmScope scope, KubernetesAutoscaling autoscaling)
    {
        scope.Values.Set($"autoscaling.{Key}.enabled", true);
        var min = autoscaling.MinReplicas ?? Workload.Replicas;
        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = metadata.For(scope, Name, Name),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = Name },
                MinReplicas = scope.Number($"autoscaling.{Key}.minReplicas", min),
                MaxReplicas = scope.Number($"autoscaling.{Key}.maxReplicas", autoscaling.MaxReplicas ?? Math.Max(min * 3, 3)),
                Metrics =
                [
                    new V2MetricSpec
                    {
                        Type = "Resource",
                        Resource = new V2ResourceMetricSource
                        {
                            Name = "cpu",
                            Target = new V2MetricTarget
                            {
                                Type = "Utilization",
                                AverageUtilization = scope.Number($"autoscaling.{Key}.targetCPUUtilizationPercentage", autoscaling.TargetCpuUtilization),
                            },
                        },
                    },
                ],
            },
        };
    }

    /// <summary>KEDA's ScaledObject is a custom resource KubernetesClient has no model for: a map in its documented shape.</summary>
    private Dictionary<string, object> ScaledObject(HelmScope scope, KedaScaler keda)
    {
        scope.Values.Set("keda.enabled", false);
        var metadataValues = new Dictionary<string, string>();
        foreach (var (name, value) in keda.Metadata)
        {
            metadataValues[name] = value switch
            {
                EndpointReference endpoint => ClusterAddress(scope, endpoint),
                IFormattable formattable => scope.Text($"keda.{Key}.{name}", formattable.ToString(null, CultureInfo.InvariantCulture)),
                _ => scope.Text($"keda.{Key}.{name}", value.ToString() ?? string.Empty),
            };
        }

        return new Dictionary<string, object>
        {
            ["apiVersion"] = "keda.sh/v1alpha1",
            ["kind"] = "ScaledObject",
            ["metadata"] = metadata.For(scope, Name, Name),
            ["spec"] = new Dictionary<string, object>
            {
                ["scaleTargetRef"] = new Dictionary<string, string> { ["name"] = Name },
                ["minReplicaCount"] = scope.Number($"keda.{Key}.minReplicaCount", 1),
                ["maxReplicaCount"] = scope.Number($"keda.{Key}.maxReplicaCount", keda.MaxReplicas ?? Math.Max(Workload.Replicas * 5, 5)),
                ["triggers"] = new[] { new Dictionary<string, object> { ["type"] = keda.TriggerType, ["metadata"] = metadataValues } },
            },
        };
    }

    /// <summary>KEDA runs in its own namespace, so an endpoint it calls is named with the release's namespace.</summary>
    private string ClusterAddress(HelmScope scope, EndpointReference endpoint)
    {
        var port = topology.FindPort(endpoint.Resource, endpoint.EndpointName)
            ?? throw new InvalidOperationException($"KEDA scaler of '{Workload.Resource.Name}' refers to {endpoint.Resource.Name}/{endpoint.EndpointName}, which the cluster does not serve.");
        var service = KubernetesNames.Service(endpoint.Resource.Name);
        return scope.Expression($"\"{service}.{{{{ .Release.Namespace }}}}.svc.cluster.local:{port.Port}\"", $"{service}:{port.Port}");
    }
}
