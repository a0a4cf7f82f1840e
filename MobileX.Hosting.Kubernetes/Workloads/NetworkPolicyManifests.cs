using k8s.Models;
using MobileX.Hosting.Kubernetes.Chart;
using MobileX.Hosting.Kubernetes.Model;

namespace MobileX.Hosting.Kubernetes.Workloads;

/// <summary>
/// Ingress NetworkPolicies read off the app model: every pod of the chart denies incoming traffic by default, and a
/// workload accepts connections only from the workloads whose environment references it (the gateway for the API,
/// the API for inference, the pods that hold a NATS or MinIO connection string for those), from anywhere when it is
/// behind the Ingress, from its own peers on a cluster port, and from KEDA's namespace on an endpoint a KEDA scaler
/// reads. Egress is left open: a default-deny there would need DNS, the OTLP collector and any external Stable
/// Diffusion backend allowed by address, which the model does not know (docs/kubernetes.md).
/// </summary>
public static class NetworkPolicyManifests
{
    public const string Component = "network-policy";

    public static IEnumerable<ManifestFile> Files(IReadOnlyList<WorkloadInputs> workloads, KubernetesTopology topology, ObjectMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(metadata);
        yield return new ManifestFile(Component, "network-policies.yaml", scope =>
        {
            scope.Values.Set("networkPolicy.enabled", true);
            var documents = new List<object> { DefaultDeny(scope, metadata) };
            documents.AddRange(workloads.Where(w => w.Workload.Ports.Count > 0).Select(w => Allow(scope, w.Workload, workloads, topology, metadata)));
            return documents;
        })
        {
            HelmCondition = ".Values.networkPolicy.enabled",
        };
    }

    /// <summary>The names of the workloads that may connect to <paramref name="target"/>: those whose values reference it.</summary>
    public static IReadOnlyList<string> Clients(Workload target, IEnumerable<WorkloadInputs> workloads) =>
        workloads.Where(w => w.Workload != target && w.References.Contains(target.Resource))
            .Select(w => w.Workload.Name).Distinct().Order(StringComparer.Ordinal).ToList();

    private static V1NetworkPolicy DefaultDeny(HelmScope scope, ObjectMetadata metadata) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = metadata.For(scope, $"{metadata.Chart}-default-deny", Component),
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ObjectMetadata.NameLabel] = metadata.Chart } },
            PolicyTypes = ["Ingress"],
        },
    };

    private static V1NetworkPolicy Allow(HelmScope scope, Workload target, IReadOnlyList<WorkloadInputs> workloads, KubernetesTopology topology, ObjectMetadata metadata)
    {
        var ports = target.Ports.Select(p => Port(p.Port)).ToList();
        var rules = new List<V1NetworkPolicyIngressRule>();
        if (target.Options.Ingress)
        {
            // The Ingress controller runs wherever the cluster put it: the public entry accepts any source.
            rules.Add(new V1NetworkPolicyIngressRule { Ports = [Port(target.Ports[0].Port)] });
        }

        var clients = Clients(target, workloads);
        if (clients.Count > 0)
        {
            rules.Add(new V1NetworkPolicyIngressRule
            {
                FromProperty = [.. clients.Select(c => new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = metadata.Selector(c) } })],
                Ports = ports,
            });
        }

        if (target.Options.Cluster is { } cluster)
        {
            rules.Add(new V1NetworkPolicyIngressRule
            {
                FromProperty = [new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = metadata.Selector(target.Name) } }],
                Ports = [Port(cluster.Port)],
            });
        }

        var kedaPorts = workloads.Select(w => w.Workload.Options.Keda).OfType<KedaScaler>()
            .SelectMany(k => k.Metadata.Values.OfType<EndpointReference>())
            .Where(e => e.Resource == target.Resource)
            .Select(e => topology.FindPort(e.Resource, e.EndpointName)?.Port)
            .OfType<int>().Distinct().Order().ToList();
        if (kedaPorts.Count > 0)
        {
            rules.Add(new V1NetworkPolicyIngressRule
            {
                FromProperty =
                [
                    new V1NetworkPolicyPeer
                    {
                        NamespaceSelector = new V1LabelSelector
                        {
                            MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = scope.Text("networkPolicy.kedaNamespace", "keda") },
                        },
                    },
                ],
                Ports = [.. kedaPorts.Select(Port)],
            });
        }

        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = metadata.For(scope, target.Name, target.Name),
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = metadata.Selector(target.Name) },
                PolicyTypes = ["Ingress"],
                // No rule at all (nothing references it): nothing may connect; the kubelet's probes come from the node.
                Ingress = rules,
            },
        };
    }

    private static V1NetworkPolicyPort Port(int port) => new() { Port = port, Protocol = "TCP" };
}
